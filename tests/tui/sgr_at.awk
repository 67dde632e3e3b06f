# sgr_at.awk (with sgr.awk): the SGR state at the end of the one line
# read, each attribute and colour followed by ';'.
{
	n = split($0, parts, esc "\\[")
	for (i = 2; i <= n; i++) {
		m = index(parts[i], "m")
		if (m)
			sgr(substr(parts[i], 1, m - 1))
	}
	out = ""
	for (a in st)
		out = out a ";"
	if (fg != "")
		out = out fg ";"
	if (bg != "")
		out = out bg ";"
	print out
}
