# bash completion for capviz. It asks capviz itself for its options, presets,
# scenarios and themes, so it never falls behind the program it completes.
_capviz_names() {
	# The first word of every line that starts without a space (a name).
	"$1" "$2" 2>/dev/null | sed -n 's/^\([A-Za-z0-9_.-][A-Za-z0-9_.-]*\).*/\1/p'
}

# Scenario names, each once (the built-in balance and a file of that name).
_capviz_scenarios() {
	"$1" --list-scenarios 2>/dev/null | sed -n 's/^  \([A-Za-z0-9_.-][A-Za-z0-9_.-]*\) .*/\1/p' | sort -u
}

# Names, then *.ini files and the directories that may hold them.
_capviz_ini() {
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -W "$1" -- "$cur") $(compgen -f -X '!*.ini' -- "$cur") $(compgen -d -- "$cur"))
}

_capviz() {
	local cur prev bin words w
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	bin=${COMP_WORDS[0]}
	case $prev in
	-p | --preset)
		words=$(_capviz_names "$bin" --list-presets)
		;;
	-t | --theme)
		_capviz_ini "$(_capviz_names "$bin" --list-themes)"
		return
		;;
	-m | --mode)
		words="cp ap strict"
		;;
	--read)
		words="ONE QUORUM ALL local sync eventual strong"
		;;
	-s | --scenario)
		_capviz_ini "$(_capviz_scenarios "$bin")"
		return
		;;
	--trace | --history | --record | --check-history | --record-cast | --export | --export-shiviz)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-n | --nodes | --seed | --speed | --explore | --writers | --trials | --max-steps)
		COMPREPLY=()
		return
		;;
	*)
		if [[ $cur == -* ]]; then
			words=$("$bin" --list-options 2>/dev/null)
		else
			# After --staleness come N R W and a latency model, not a scenario.
			for w in "${COMP_WORDS[@]}"; do
				if [[ $w == --staleness || $w == --pacelc ]]; then
					COMPREPLY=()
					return
				fi
			done
			_capviz_ini "$(_capviz_scenarios "$bin")"
			return
		fi
		;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _capviz capviz
