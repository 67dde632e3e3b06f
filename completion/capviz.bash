# bash completion for capviz. It asks capviz itself for its options, presets,
# scenarios and themes, so it never falls behind the program it completes.
_capviz_names() {
	# The first word of every line that starts without a space (a name).
	"$1" "$2" 2>/dev/null | sed -n 's/^\([A-Za-z0-9_.-][A-Za-z0-9_.-]*\).*/\1/p'
}

_capviz() {
	local cur prev bin words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	bin=${COMP_WORDS[0]}
	case $prev in
	-p | --preset)
		words=$(_capviz_names "$bin" --list-presets)
		;;
	-t | --theme)
		words=$(_capviz_names "$bin" --list-themes)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -X '!*.ini' -- "$cur"))
		return
		;;
	-m | --mode)
		words="cp ap strict"
		;;
	--read)
		words="ONE QUORUM ALL local sync eventual strong"
		;;
	-s | --scenario)
		words=$("$bin" --list-scenarios 2>/dev/null | sed -n 's/^  \([A-Za-z0-9_.-][A-Za-z0-9_.-]*\) .*/\1/p')
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -X '!*.ini' -- "$cur"))
		return
		;;
	--trace | --history | --record | --check-history)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-n | --nodes | --seed | --speed | --explore | --writers)
		COMPREPLY=()
		return
		;;
	*)
		if [[ $cur == -* ]]; then
			words=$("$bin" --list-options 2>/dev/null)
		else
			words=$("$bin" --list-scenarios 2>/dev/null | sed -n 's/^  \([A-Za-z0-9_.-][A-Za-z0-9_.-]*\) .*/\1/p')
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -X '!*.ini' -- "$cur"))
			return
		fi
		;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _capviz capviz
