# sgr.awk: the state one SGR sequence leaves, for the screen tests that
# read capture-pane -e (tests/tui/lib.sh's sgr_at, tests/cast/run.sh's
# looks). sgr(codes) applies "1;31" (empty: a reset) to the globals: st[a]
# for each attribute set, fg and bg ("31", "38;5;208"; "" the default).
function sgr(codes,    c, k, j, v) {
	if (codes == "")
		codes = "0"
	k = split(codes, c, ";")
	for (j = 1; j <= k; j++) {
		v = c[j] + 0
		if (v == 0) {
			split("", st)
			fg = ""
			bg = ""
		} else if (v == 38 || v == 48) {
			if (v == 38)
				fg = v ";" c[j + 1] ";" c[j + 2]
			else
				bg = v ";" c[j + 1] ";" c[j + 2]
			j += 2
		} else if ((v >= 30 && v <= 37) || (v >= 90 && v <= 97)) {
			fg = v
		} else if (v == 39) {
			fg = ""
		} else if ((v >= 40 && v <= 47) || (v >= 100 && v <= 107)) {
			bg = v
		} else if (v == 49) {
			bg = ""
		} else if (v == 22) {
			delete st[1]
			delete st[2]
		} else if (v >= 23 && v <= 29) {
			delete st[v - 20]
		} else if (v < 10) {
			st[v] = 1
		}
	}
}
