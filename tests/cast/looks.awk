# looks.awk (with tests/tui/sgr.awk): each line of a capture-pane -e as
# its characters with the SGR state written <like,this> where it changes;
# blank default cells at the end are left out.
function key(    k, a) {
	k = ""
	for (a = 1; a <= 9; a++)
		if (a in st)
			k = k a ","
	return k "f" fg "b" bg
}
{
	line = $0
	n = 0
	while (line != "") {
		if (substr(line, 1, 2) == esc "[") {
			m = index(line, "m")
			sgr(substr(line, 3, m - 3))
			line = substr(line, m + 1)
			continue
		}
		n++
		ch[n] = substr(line, 1, 1)
		ks[n] = key()
		line = substr(line, 2)
	}
	while (n > 0 && ch[n] == " " && ks[n] == "fb")
		n--
	out = ""
	last = "fb"
	for (i = 1; i <= n; i++) {
		if (ks[i] != last) {
			out = out "<" ks[i] ">"
			last = ks[i]
		}
		out = out ch[i]
	}
	print out
}
