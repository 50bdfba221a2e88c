package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A setting is one environment variable and the flag that overrides it, written
// once: its name, default, help and how its value is read into the
// configuration. Each concern of Config lists its own (see config.go).
type setting struct {
	// name is the environment variable; the flag is its lower-case, dashed
	// form (REQUEST_TIMEOUT, -request-timeout) unless flag says otherwise.
	name string
	// flag is the flag's name when it differs from name's, or noFlag for a
	// setting read from the environment only (secrets, which must not be on a
	// command line, and OpenTelemetry's own variables).
	flag string
	// def is the default, written as it would be in the environment ("" for
	// none).
	def   string
	usage string
	// set reads v (the flag's value, else the environment's, else def) into
	// the configuration; its error names no setting, the caller adds it.
	// Settings are read in order, so set may look at earlier ones (APP_ENV
	// first).
	set func(v string) error
	// needs, when set, is the setting this one does nothing without: given
	// (in the environment or by its flag) while that one's value is empty, it
	// stops the start (see readSettings).
	needs string
}

// noFlag marks a setting read from the environment only.
const noFlag = "-"

// flagName returns s's flag, or "" when it has none.
func (s setting) flagName() string {
	switch s.flag {
	case noFlag:
		return ""
	case "":
		return strings.ToLower(strings.ReplaceAll(s.name, "_", "-"))
	}
	return s.flag
}

// readSettings reads each setting from getenv, overridden by its flag in args,
// and sets it. Every bad value is reported, each naming its setting.
func readSettings(settings []setting, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("coursegraph", flag.ContinueOnError)
	values := make([]*string, len(settings))
	for i, s := range settings {
		v := strings.TrimSpace(getenv(s.name))
		if v == "" {
			v = s.def
		}
		values[i] = &v
		if f := s.flagName(); f != "" {
			values[i] = fs.String(f, v, s.usage+" (env "+s.name+")")
		}
	}
	if err := parseFlags(fs, args, stderr, "Usage: coursegraph [serve|migrate|seed] [flags] (coursegraph help lists the commands)\n\nEach flag overrides the environment variable named beside it:"); err != nil {
		return err
	}
	var errs []error
	for i, s := range settings {
		if err := s.set(strings.TrimSpace(*values[i])); err != nil {
			errs = append(errs, fmt.Errorf("%s %w", s.name, err))
		}
	}
	// A setting given without the one it needs would run the server as if it
	// were not given, which is not what its operator meant.
	flagged := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { flagged[f.Name] = true })
	value := map[string]string{}
	for i, s := range settings {
		value[s.name] = strings.TrimSpace(*values[i])
	}
	for _, s := range settings {
		given := strings.TrimSpace(getenv(s.name)) != "" || (s.flagName() != "" && flagged[s.flagName()])
		if s.needs != "" && given && value[s.needs] == "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: %s does nothing without it; set %s or unset %s", s.name, s.needs, s.name, s.needs, s.name))
		}
	}
	return errors.Join(errs...)
}

// parseFlags parses args with fs, which takes flags only: -h is flag.ErrHelp
// (after usage and the flags are printed to stderr), anything else it does
// not expect a usage error.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer, usage string) error {
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q: %s takes flags only (coursegraph help lists the commands)", fs.Args(), fs.Name())
	}
	return nil
}

// foreignPrefixes are prefixes of settings the server knows that other software
// shares: OTEL_* configure OpenTelemetry SDKs and agents (the server reads one
// of them), so the others are not reported as unknown.
var foreignPrefixes = []string{"OTEL_"}

// testVariables are read by the project's own tests, never by the server; set
// in a developer's or CI's environment, they are not reported as unknown.
var testVariables = []string{"REDIS_TEST_URL"}

// extraPrefixes are families of settings the server owns before it reads any of
// them.
var extraPrefixes = []string{"REPLICA_"}

// unknownSettings returns, sorted, the names in environ that getenv gives a
// value, that start like one of settings (the first word and underscore of a
// name, as DATABASE_ or REDIS_, or one of extraPrefixes) or are long and a
// typo away from one, and that are none of them: a misspelt name, or a setting
// of another version, which would otherwise do nothing in silence. Each comes
// with the setting it is closest to, if any is close.
func unknownSettings(settings []setting, environ []string, getenv func(string) string) []string {
	known := map[string]bool{}
	prefixes := map[string]bool{}
	for _, p := range extraPrefixes {
		prefixes[p] = true
	}
	for _, name := range testVariables {
		known[name] = true
	}
	for _, s := range settings {
		known[s.name] = true
		if i := strings.Index(s.name, "_"); i > 0 {
			prefixes[s.name[:i+1]] = true
		}
	}
	for _, p := range foreignPrefixes {
		delete(prefixes, p)
	}
	var out []string
	seen := map[string]bool{}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if known[name] || seen[name] {
			continue
		}
		near := nearest(name, known)
		// A name of our families, or a long one a typo away from ours
		// (DATABSE_URL); short names are too often near by chance (PATH, PORT).
		i := strings.Index(name, "_")
		if (i <= 0 || !prefixes[name[:i+1]]) && (near == "" || len(name) < 8) {
			continue
		}
		if strings.TrimSpace(getenv(name)) == "" {
			continue
		}
		seen[name] = true
		note := name
		if near != "" {
			note += " (did you mean " + near + "?)"
		}
		out = append(out, note)
	}
	slices.Sort(out)
	return out
}

// nearest returns the known name within two edits of name (the closest), or
// "".
func nearest(name string, known map[string]bool) string {
	best, bestDist := "", 3
	for k := range known {
		if d := editDistance(name, k); d < bestDist || (d == bestDist && k < best) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// The readers settings share. Each returns a set function.

// text keeps the value as it is.
func text(to *string) func(string) error {
	return func(v string) error { *to = v; return nil }
}

// duration reads a Go duration from least to most.
func duration(to *time.Duration, least, most time.Duration, example string) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < least || d > most {
			return fmt.Errorf("must be a duration from %s to %s, such as %s, not %q", short(least), short(most), example, v)
		}
		*to = d
		return nil
	}
}

// short writes d as people do: 5m rather than 5m0s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// wholeNumber reads a whole number from least to most.
func wholeNumber(to *int, least, most int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < least || n > most {
			return fmt.Errorf("must be a whole number from %d to %d, not %q", least, most, v)
		}
		*to = n
		return nil
	}
}

// boolean reads true or false (or 1/0); empty is def().
func boolean(to *bool, def func() bool) func(string) error {
	return func(v string) error {
		if v == "" {
			*to = def()
			return nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false, not %q", v)
		}
		*to = b
		return nil
	}
}

// onOff reads "on" or "off".
func onOff(to *bool) func(string) error {
	return func(v string) error {
		switch v {
		case "on":
			*to = true
		case "off":
			*to = false
		default:
			return fmt.Errorf("must be on or off, not %q", v)
		}
		return nil
	}
}

// prefixes reads comma-separated addresses and CIDR ranges; none, when
// allowed, means an empty list.
func prefixes(to *[]netip.Prefix, allowNone bool) func(string) error {
	return func(v string) (err error) {
		if allowNone && v == "none" {
			*to = nil
			return nil
		}
		*to, err = parsePrefixes(v)
		return err
	}
}

// parsePrefixes reads comma-separated addresses and CIDR ranges.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, addrErr := netip.ParseAddr(p)
			if addrErr != nil {
				return nil, fmt.Errorf("must list addresses or CIDR ranges, not %q", p)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		out = append(out, prefix)
	}
	return out, nil
}

// rateLimit reads "burst/interval" ("5/2m") or "off".
func rateLimit(to *RateLimit) func(string) error {
	return func(v string) (err error) {
		*to, err = parseRateLimit(v)
		return err
	}
}

// RateLimit is a burst of events, then one per interval; Burst -1 means no limit.
type RateLimit struct {
	Burst    int
	Interval time.Duration
}

// parseRateLimit reads "burst/interval" ("5/2m") or "off".
func parseRateLimit(s string) (RateLimit, error) {
	if s == "off" {
		return RateLimit{Burst: -1}, nil
	}
	b, i, ok := strings.Cut(s, "/")
	burst, err := strconv.Atoi(b)
	interval, err2 := time.ParseDuration(i)
	if !ok || err != nil || err2 != nil || burst < 1 || interval <= 0 {
		return RateLimit{}, fmt.Errorf("must be burst/interval such as 5/2m, or off, not %q", s)
	}
	return RateLimit{Burst: burst, Interval: interval}, nil
}

// retention reads a retention: "off" (kept for ever), a number of days ("730d")
// or a Go duration ("720h"), at least an hour.
func retention(to *time.Duration) func(string) error {
	return func(v string) (err error) {
		*to, err = parseRetention(v)
		return err
	}
}

// parseRetention reads a retention (see retention); off is 0.
func parseRetention(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "off" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("must be off, a number of days such as 30d, or a duration such as 720h, not %q", v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("must be off, a number of days such as 30d, or a duration such as 720h, not %q", v)
		}
	}
	if d < time.Hour {
		return 0, fmt.Errorf("must be at least 1h, not %q", v)
	}
	return d, nil
}

// limitOrOff reads a positive whole number, or "off" (-1).
func limitOrOff(to *int) func(string) error {
	return func(v string) error {
		if v == "off" {
			*to = -1
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("must be a positive whole number or off, not %q", v)
		}
		*to = n
		return nil
	}
}
