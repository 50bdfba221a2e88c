package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"coursegraph/gqlserver"
	"coursegraph/mail"
	"coursegraph/models"
	"coursegraph/persisted"
	"coursegraph/ratelimit"
	"coursegraph/redisconn"
	"coursegraph/store"
	"coursegraph/tracing"
)

// Config is the server's configuration: environment variables, overridden by flags.
// A bad value stops the server at start with a message naming the variable.
type Config struct {
	// Addr is where to listen: ADDR (host:port), or PORT (default 8080). Without
	// a host, it is every interface in production and 127.0.0.1 otherwise (the
	// demo is private to this machine). Flag -addr.
	Addr string
	// DatabaseURL names the database: DATABASE_URL, "mysql://user:pass@host:3306/db",
	// a Go MySQL DSN, or "sqlite:path". Default: the embedded SQLite database
	// sqlite:data/coursegraph.db. Flag -database-url.
	DatabaseURL string
	// Env is APP_ENV: "development" (default) or "production". Production turns the
	// playground and introspection off and logs JSON, unless set otherwise. Flag -env.
	Env string
	// LogLevel is LOG_LEVEL: debug, info (default), warn or error. Flag -log-level.
	LogLevel slog.Level
	// LogFormat is LOG_FORMAT: text (default in development) or json (default in
	// production). Flag -log-format.
	LogFormat string
	// CORSOrigins is CORS_ORIGINS: origins allowed to call the API from a browser,
	// comma-separated, or "*". Default: none (same origin only). Flag -cors-origins.
	CORSOrigins []string
	// Playground is PLAYGROUND (true/false): serve the GraphQL playground at /.
	// Default: true in development, false in production. Flag -playground.
	Playground bool
	// Introspection is INTROSPECTION (true/false): answer schema introspection.
	// Default: true in development, false in production. Flag -introspection.
	Introspection bool
	// SessionTTL is SESSION_TTL: how long a sign-in lasts, as a Go duration
	// (default 168h, a week). Flag -session-ttl.
	SessionTTL time.Duration
	// TrustedProxies is TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of
	// reverse proxies whose X-Forwarded-For names the client (default none).
	// Flag -trusted-proxies.
	TrustedProxies []netip.Prefix
	// AdminEmail, AdminPassword and AdminName are ADMIN_EMAIL, ADMIN_PASSWORD and
	// ADMIN_NAME (default "Admin"): the first admin, made at start when there is no
	// active admin. Environment only, so the password is not on a command line.
	AdminEmail, AdminPassword, AdminName string
	// CommentsPerAddress is COMMENTS_PER_ADDRESS: how many comments one client
	// address may post at once, then how often, as "burst/interval" (default
	// "5/2m"); "off" turns the limit off. Flag -comments-per-address.
	CommentsPerAddress RateLimit
	// EnquiriesPerAddress is ENQUIRIES_PER_ADDRESS: contact-form messages one
	// client address may send, as "burst/interval" (default "5/5m"), or "off".
	// Flag -enquiries-per-address.
	EnquiriesPerAddress RateLimit
	// SMTPURL is SMTP_URL: where to send enquiry notices, as
	// smtp://user:pass@host:587?from=noreply@example.org&tls=starttls or smtps://….
	// Default: none (no email). Secret: masked when logged.
	SMTPURL string
	// NotifyEmail is NOTIFY_EMAIL: who gets enquiry notices (default: the centre's
	// email).
	NotifyEmail string
	// SQLiteEngineCache is SQLITE_ENGINE_CACHE: a directory where the embedded
	// SQLite engine keeps its compiled machine code between starts, or "off".
	// Default: .sqlite-engine beside the database file. Only the embedded
	// database uses it. Flag -sqlite-engine-cache.
	SQLiteEngineCache string
	// RequestTimeout is REQUEST_TIMEOUT: how long a request may take, database
	// calls and the wait for a pooled connection included, from 1s to 5m
	// (default 10s). A request the database does not answer in time is answered
	// SERVICE_UNAVAILABLE (HTTP 503). Flag -request-timeout.
	RequestTimeout time.Duration
	// SMTPTimeout is SMTP_TIMEOUT: how long one email may take to deliver, from
	// the dial to the last reply (default 30s). SMTPCommandTimeout is
	// SMTP_COMMAND_TIMEOUT: how long the mail server may take to accept the
	// connection or answer one command (default 10s).
	SMTPTimeout, SMTPCommandTimeout time.Duration
	// ShutdownDrain is SHUTDOWN_DRAIN: on SIGTERM, how long the server keeps
	// answering, unready and with "Connection: close", before it stops
	// accepting, so that load balancers and keep-alive clients move away without
	// a request cut (default 5s in production, 0s in development). Flag
	// -shutdown-drain.
	ShutdownDrain time.Duration
	// BcryptCost is BCRYPT_COST: the work factor of password hashes, 4 to 16
	// (default 12). Lower it only for tests. Flag -bcrypt-cost.
	BcryptCost int
	// RedisURL is REDIS_URL: a Redis that several instances share, for the
	// automatic persisted queries (each kept 24 h after its last use), the
	// response cache, the live events and the rate limits; unset, each
	// instance keeps them in memory (persisted queries 16 MiB at most). Flag
	// -redis-url.
	RedisURL string
	// RedisTimeout is REDIS_TIMEOUT: the longest a request waits on Redis for
	// a rate limit or to announce a live event, 10ms to 5s (default 250ms);
	// then it does without (see the README's "Running several instances").
	// Needs REDIS_URL. Flag -redis-timeout.
	RedisTimeout time.Duration
	// TrustedDocuments is the manifest read from the file TRUSTED_DOCUMENTS
	// (Apollo's persisted-query manifest, or a JSON object of id to document as
	// graphql-codegen and Relay write): when set, the server runs only its
	// documents. Unset by default. Flag -trusted-documents.
	TrustedDocuments *persisted.Manifest
	// TrustedDocumentsStaff is TRUSTED_DOCUMENTS_STAFF (true/false, default
	// false): with trusted documents, signed-in staff may still send any
	// document (the playground, scripts). Flag -trusted-documents-staff.
	TrustedDocumentsStaff bool
	// AnonymousCost is ANONYMOUS_COST_PER_ADDRESS: the cost points (as
	// QUERY_MAX_COST counts them) that anonymous requests from one client
	// address may spend, as points/interval (default "60000/1m": a minute's
	// points at once, refilled evenly over the minute); "off" turns it off. An
	// operation the budget cannot pay is refused with HTTP 429 RATE_LIMITED.
	// Flag -anonymous-cost-per-address.
	AnonymousCost RateLimit
	// AnonymousCostExempt is ANONYMOUS_COST_EXEMPT: addresses or CIDR ranges the
	// budget does not apply to (default loopback, "127.0.0.0/8,::1": a process
	// on the server's own host; behind a reverse proxy, set TRUSTED_PROXIES so
	// that clients are told apart); "none" for none. Flag -anonymous-cost-exempt.
	AnonymousCostExempt []netip.Prefix
	// QueryLimits bound each GraphQL document before it is validated:
	// QUERY_MAX_TOKENS (default 15000), QUERY_MAX_ALIASES (30),
	// QUERY_MAX_DIRECTIVES (10 on one location), QUERY_MAX_REPEATS (10 of one
	// name in one selection set), QUERY_MAX_DEPTH (12) and QUERY_MAX_COST
	// (5000), each a positive whole number or "off". Flags -query-max-tokens,
	// -query-max-aliases, -query-max-directives, -query-max-repeats,
	// -query-max-depth and -query-max-cost.
	QueryLimits gqlserver.Limits
	// Retention is how long personal data is kept (ENQUIRY_RETENTION, default
	// 730d after an enquiry is closed; CLIENT_IP_RETENTION, 30d;
	// COMMENT_EMAIL_RETENTION, 365d; each may be off).
	Retention models.Retention
	// Backup is the schedule of backups of the embedded database (BACKUP_DIR,
	// BACKUP_EVERY, BACKUP_KEEP); off by default.
	Backup BackupConfig
	// MetricsAddr is METRICS_ADDR: where to serve /metrics (Prometheus text
	// format), host:port, on a listener of its own that should not be public.
	// Default: none (no metrics served). Flag -metrics-addr.
	MetricsAddr string
	// DebugExtensions is DEBUG_EXTENSIONS (true/false, or 1/0): put each
	// response's SQL statement count, database time and cache status in its
	// extensions.debug. Default false; refused in production, where it would
	// show every client how the server works. Flag -debug-extensions.
	DebugExtensions bool
	// OTLPEndpoint is OTEL_EXPORTER_OTLP_ENDPOINT: where to send trace spans over
	// OTLP/HTTP, as http(s)://host:port (spans go to its /v1/traces). Default:
	// none (no tracing). Environment only, as OpenTelemetry has it.
	OTLPEndpoint string
	// ResponseCache is RESPONSE_CACHE: "on" (default) keeps the answers of
	// anonymous queries until a write changes what they read; "off" turns the
	// cache and its HTTP caching headers off. Flag -response-cache.
	ResponseCache bool
	// ResponseCacheMB is RESPONSE_CACHE_MB: the most memory, in MiB, the answers
	// kept in process may take (default 64; not used with REDIS_URL).
	ResponseCacheMB int
	// ResponseCacheTTL is RESPONSE_CACHE_TTL: the longest an answer is kept when
	// nothing changes it, 1s to 24h (default 10m).
	ResponseCacheTTL time.Duration
	// CacheMaxAge and CacheStaleWhileRevalidate are CACHE_MAX_AGE (default 10s)
	// and CACHE_STALE_WHILE_REVALIDATE (default 30s): the Cache-Control of public
	// answers over GET, for browsers and CDNs, 0s to 1h.
	CacheMaxAge, CacheStaleWhileRevalidate time.Duration
	// CachePurgeURL is CACHE_PURGE_URL: when set, the tags each write changed are
	// POSTed there ({"tags": [...]}), in the background, for a CDN to purge.
	CachePurgeURL string
	// UnknownSettings are the environment variables set that look like ours
	// (see unknownSettings) but that the server does not read, each with a
	// note (the known setting it may be a misspelling of): reported at start.
	UnknownSettings []string
}

// DefaultDatabaseURL is the embedded database used when DATABASE_URL is not set.
const DefaultDatabaseURL = "sqlite:data/coursegraph.db"

// Production reports whether the server runs in production.
func (c Config) Production() bool { return c.Env == "production" }

// Embedded reports whether the database is the embedded SQLite one.
func (c Config) Embedded() bool { return strings.HasPrefix(c.DatabaseURL, "sqlite:") }

// loadConfig reads the environment through getenv and then the flags in args.
// The names of the process's environment (os.Environ) that getenv also gives
// are checked for settings the server does not know (see unknownSettings).
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	return loadConfigFrom(args, getenv, os.Environ, stderr)
}

// loadConfigFrom is loadConfig with the environment's names from environ.
func loadConfigFrom(args []string, lookup func(string) string, environ func() []string, stderr io.Writer) (Config, error) {
	// Every name asked for is a setting the server knows: the list the checks
	// of unknown and dependent settings go by, so a new setting joins it by
	// being read.
	known := map[string]bool{}
	getenv := func(name string) string {
		known[name] = true
		return lookup(name)
	}
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("coursegraph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "address to listen on, host:port (env ADDR, or PORT)")
	dbURL := fs.String("database-url", env("DATABASE_URL", DefaultDatabaseURL), "database URL (env DATABASE_URL)")
	appEnv := fs.String("env", env("APP_ENV", "development"), "development or production (env APP_ENV)")
	logLevel := fs.String("log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (env LOG_LEVEL)")
	logFormat := fs.String("log-format", getenv("LOG_FORMAT"), "text or json (env LOG_FORMAT)")
	cors := fs.String("cors-origins", getenv("CORS_ORIGINS"), "allowed browser origins, comma-separated (env CORS_ORIGINS)")
	playground := fs.String("playground", getenv("PLAYGROUND"), "serve the playground at / (env PLAYGROUND)")
	introspection := fs.String("introspection", getenv("INTROSPECTION"), "answer introspection (env INTROSPECTION)")
	sessionTTL := fs.String("session-ttl", env("SESSION_TTL", "168h"), "how long a sign-in lasts (env SESSION_TTL)")
	commentRate := fs.String("comments-per-address", env("COMMENTS_PER_ADDRESS", "5/2m"), "comment rate limit per client address, burst/interval or off (env COMMENTS_PER_ADDRESS)")
	anonCost := fs.String("anonymous-cost-per-address", env("ANONYMOUS_COST_PER_ADDRESS", "60000/1m"), "cost points anonymous requests from one address may spend, points/interval or off (env ANONYMOUS_COST_PER_ADDRESS)")
	anonExempt := fs.String("anonymous-cost-exempt", env("ANONYMOUS_COST_EXEMPT", "127.0.0.0/8,::1"), "addresses or CIDR ranges the anonymous cost budget does not apply to, or none (env ANONYMOUS_COST_EXEMPT)")
	enquiryRate := fs.String("enquiries-per-address", env("ENQUIRIES_PER_ADDRESS", "5/5m"), "contact-form rate limit per client address, burst/interval or off (env ENQUIRIES_PER_ADDRESS)")
	engineCache := fs.String("sqlite-engine-cache", getenv("SQLITE_ENGINE_CACHE"), "where the embedded SQLite engine keeps its compiled code, or off (env SQLITE_ENGINE_CACHE)")
	requestTimeout := fs.String("request-timeout", env("REQUEST_TIMEOUT", "10s"), "how long a request may take, database included (env REQUEST_TIMEOUT)")
	backupDir := fs.String("backup-dir", getenv("BACKUP_DIR"), "keep scheduled backups of the embedded database here (env BACKUP_DIR; default off)")
	backupEvery := fs.String("backup-every", env("BACKUP_EVERY", "24h"), "how often to back up into BACKUP_DIR (env BACKUP_EVERY)")
	backupKeep := fs.Int("backup-keep", 7, "how many scheduled backups to keep (env BACKUP_KEEP)")
	enquiryRetention := fs.String("enquiry-retention", env("ENQUIRY_RETENTION", "730d"), "how long a closed enquiry keeps its sender's details, or off (env ENQUIRY_RETENTION)")
	ipRetention := fs.String("client-ip-retention", env("CLIENT_IP_RETENTION", "30d"), "how long client addresses are kept, or off (env CLIENT_IP_RETENTION)")
	commentEmailRetention := fs.String("comment-email-retention", env("COMMENT_EMAIL_RETENTION", "365d"), "how long a comment keeps its reader's email, or off (env COMMENT_EMAIL_RETENTION)")
	drain := fs.String("shutdown-drain", getenv("SHUTDOWN_DRAIN"), "how long to keep answering, unready, before shutting down (env SHUTDOWN_DRAIN)")
	var limits gqlserver.Limits
	queryLimits := []struct {
		env, usage string
		def        int
		to         *int
		val        *string
	}{
		{"QUERY_MAX_TOKENS", "tokens in a GraphQL document", gqlserver.DefaultTokenLimit, &limits.Tokens, nil},
		{"QUERY_MAX_ALIASES", "aliases in a GraphQL document", gqlserver.DefaultAliasLimit, &limits.Aliases, nil},
		{"QUERY_MAX_DIRECTIVES", "directives on one field, fragment or operation", gqlserver.DefaultDirectiveLimit, &limits.Directives, nil},
		{"QUERY_MAX_REPEATS", "times one name may appear in one selection set", gqlserver.DefaultRepeatLimit, &limits.Repeats, nil},
		{"QUERY_MAX_DEPTH", "fields nested in one another, through fragments", gqlserver.DefaultDepthLimit, &limits.Depth, nil},
		{"QUERY_MAX_COST", "cost of an operation (each field 1, lists times their page size)", gqlserver.DefaultComplexityLimit, &limits.Cost, nil},
	}
	for i, l := range queryLimits {
		flagName := strings.ToLower(strings.ReplaceAll(l.env, "_", "-"))
		queryLimits[i].val = fs.String(flagName, env(l.env, strconv.Itoa(l.def)), "the most "+l.usage+", or off (env "+l.env+")")
	}
	responseCache := fs.String("response-cache", env("RESPONSE_CACHE", "on"), "keep anonymous answers until a write changes them: on or off (env RESPONSE_CACHE)")
	bcryptCost := fs.Int("bcrypt-cost", 12, "password hash work factor, 4 to 16 (env BCRYPT_COST)")
	metricsAddr := fs.String("metrics-addr", getenv("METRICS_ADDR"), "where to serve /metrics, host:port (env METRICS_ADDR; default off)")
	debugExtensions := fs.String("debug-extensions", getenv("DEBUG_EXTENSIONS"), "show statements, database time and cache status in each response (env DEBUG_EXTENSIONS; never in production)")
	redisURL := fs.String("redis-url", getenv("REDIS_URL"), "Redis shared by every instance, such as redis://localhost:6379/0 (env REDIS_URL)")
	redisTimeout := fs.String("redis-timeout", env("REDIS_TIMEOUT", "250ms"), "the longest a request waits on Redis for a rate limit or a live event (env REDIS_TIMEOUT)")
	trusted := fs.String("trusted-documents", getenv("TRUSTED_DOCUMENTS"), "run only the documents of this manifest file (env TRUSTED_DOCUMENTS)")
	trustedStaff := fs.String("trusted-documents-staff", getenv("TRUSTED_DOCUMENTS_STAFF"), "with trusted documents, let signed-in staff send any document (env TRUSTED_DOCUMENTS_STAFF)")
	proxies := fs.String("trusted-proxies", getenv("TRUSTED_PROXIES"), "trusted reverse proxies, comma-separated (env TRUSTED_PROXIES)")
	if v := getenv("BACKUP_KEEP"); v != "" {
		if err := fs.Set("backup-keep", v); err != nil {
			return Config{}, fmt.Errorf("BACKUP_KEEP must be a whole number, not %q", v)
		}
	}
	if v := getenv("BCRYPT_COST"); v != "" {
		if err := fs.Set("bcrypt-cost", v); err != nil {
			return Config{}, fmt.Errorf("BCRYPT_COST must be a whole number from 4 to 16, not %q", v)
		}
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: coursegraph [serve|migrate|seed] [flags] (coursegraph help lists the commands)\n\nEach flag overrides the environment variable named beside it:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, &usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return Config{}, usageErrorf("unexpected arguments %q: flags only (coursegraph help lists the commands)", fs.Args())
	}

	var errs []error
	for _, l := range queryLimits {
		switch v := strings.TrimSpace(*l.val); v {
		case "off":
			*l.to = -1
		default:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("%s must be a positive whole number or off, not %q", l.env, v))
			}
			*l.to = n
		}
	}
	c := Config{DatabaseURL: *dbURL, Env: *appEnv, QueryLimits: limits}
	switch {
	case *addr != "":
		c.Addr = *addr
	case getenv("ADDR") != "":
		c.Addr = getenv("ADDR")
	default:
		port := env("PORT", "8080")
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			errs = append(errs, fmt.Errorf("PORT must be a port number, not %q", port))
		}
		c.Addr = ":" + port
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("ADDR must be host:port, not %q", c.Addr))
	}
	if c.Env != "development" && c.Env != "production" {
		errs = append(errs, fmt.Errorf("APP_ENV must be development or production, not %q", c.Env))
	}
	if host, port, err := net.SplitHostPort(c.Addr); err == nil && host == "" && !c.Production() {
		// The demo, with its demo admin, is private to this machine unless
		// ADDR names an interface.
		c.Addr = net.JoinHostPort("127.0.0.1", port)
	}
	if err := c.LogLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, not %q", *logLevel))
	}
	c.LogFormat = *logFormat
	if c.LogFormat == "" {
		c.LogFormat = "text"
		if c.Production() {
			c.LogFormat = "json"
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT must be text or json, not %q", c.LogFormat))
	}
	for o := range strings.SplitSeq(*cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
				errs = append(errs, fmt.Errorf("CORS_ORIGINS must list origins such as https://example.org, not %q", o))
			}
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	var err error
	if c.Playground, err = parseBool("PLAYGROUND", *playground, !c.Production()); err != nil {
		errs = append(errs, err)
	}
	if c.Introspection, err = parseBool("INTROSPECTION", *introspection, !c.Production()); err != nil {
		errs = append(errs, err)
	}
	if d, err := time.ParseDuration(*sessionTTL); err != nil || d < time.Minute {
		errs = append(errs, fmt.Errorf("SESSION_TTL must be a duration of at least 1m, such as 168h, not %q", *sessionTTL))
	} else {
		c.SessionTTL = d
	}
	c.RedisURL = strings.TrimSpace(*redisURL)
	if c.RedisURL != "" {
		if _, err := redisconn.ParseURL(c.RedisURL); err != nil {
			errs = append(errs, fmt.Errorf("REDIS_URL must be a redis:// or rediss:// URL: %w", err))
		}
	}
	if d, err := time.ParseDuration(strings.TrimSpace(*redisTimeout)); err != nil || d < 10*time.Millisecond || d > 5*time.Second {
		errs = append(errs, fmt.Errorf("REDIS_TIMEOUT must be a duration from 10ms to 5s, such as 250ms, not %q", *redisTimeout))
	} else {
		c.RedisTimeout = d
	}
	if path := strings.TrimSpace(*trusted); path != "" {
		if c.TrustedDocuments, err = persisted.LoadManifest(path); err != nil {
			errs = append(errs, fmt.Errorf("TRUSTED_DOCUMENTS %s: %w", path, err))
		}
	}
	if c.TrustedDocumentsStaff, err = parseBool("TRUSTED_DOCUMENTS_STAFF", *trustedStaff, false); err != nil {
		errs = append(errs, err)
	}
	if c.TrustedProxies, err = parsePrefixes(*proxies); err != nil {
		errs = append(errs, fmt.Errorf("TRUSTED_PROXIES %w", err))
	}
	if c.AnonymousCost, err = parseRateLimit(*anonCost); err != nil {
		errs = append(errs, fmt.Errorf("ANONYMOUS_COST_PER_ADDRESS %w", err))
	}
	if *anonExempt != "none" {
		if c.AnonymousCostExempt, err = parsePrefixes(*anonExempt); err != nil {
			errs = append(errs, fmt.Errorf("ANONYMOUS_COST_EXEMPT %w", err))
		}
	}
	if c.CommentsPerAddress, err = parseRateLimit(*commentRate); err != nil {
		errs = append(errs, fmt.Errorf("COMMENTS_PER_ADDRESS %w", err))
	}
	if c.EnquiriesPerAddress, err = parseRateLimit(*enquiryRate); err != nil {
		errs = append(errs, fmt.Errorf("ENQUIRIES_PER_ADDRESS %w", err))
	}
	c.SQLiteEngineCache = strings.TrimSpace(*engineCache)
	if file, ok := store.SQLiteFile(c.DatabaseURL); ok && c.SQLiteEngineCache == "" {
		c.SQLiteEngineCache = filepath.Join(filepath.Dir(file), ".sqlite-engine")
	}
	if c.SQLiteEngineCache == "off" || !c.Embedded() {
		c.SQLiteEngineCache = ""
	}
	if d, err := time.ParseDuration(*requestTimeout); err != nil || d < time.Second || d > 5*time.Minute {
		errs = append(errs, fmt.Errorf("REQUEST_TIMEOUT must be a duration from 1s to 5m, such as 10s, not %q", *requestTimeout))
	} else {
		c.RequestTimeout = d
	}
	c.ShutdownDrain = 0
	if c.Production() {
		c.ShutdownDrain = 5 * time.Second
	}
	if *drain != "" {
		if d, err := time.ParseDuration(*drain); err != nil || d < 0 || d > time.Minute {
			errs = append(errs, fmt.Errorf("SHUTDOWN_DRAIN must be a duration from 0s to 1m, such as 5s, not %q", *drain))
		} else {
			c.ShutdownDrain = d
		}
	}
	for _, t := range []struct {
		name, def string
		to        *time.Duration
	}{{"SMTP_TIMEOUT", "30s", &c.SMTPTimeout}, {"SMTP_COMMAND_TIMEOUT", "10s", &c.SMTPCommandTimeout}} {
		// At most a minute: a message is claimed for two minutes while it is
		// sent, and another instance must not send it again meanwhile.
		v := env(t.name, t.def)
		if d, err := time.ParseDuration(v); err != nil || d < 100*time.Millisecond || d > time.Minute {
			errs = append(errs, fmt.Errorf("%s must be a duration from 100ms to 1m, such as %s, not %q", t.name, t.def, v))
		} else {
			*t.to = d
		}
	}
	c.SMTPURL, c.NotifyEmail = getenv("SMTP_URL"), getenv("NOTIFY_EMAIL")
	if c.SMTPURL != "" {
		if _, err := mail.ParseURL(c.SMTPURL); err != nil {
			errs = append(errs, fmt.Errorf("SMTP_URL %w", err))
		}
	}
	if c.NotifyEmail != "" {
		if err := models.ValidateEmail("NOTIFY_EMAIL", c.NotifyEmail); err != nil {
			errs = append(errs, err)
		}
	}
	switch *responseCache {
	case "on":
		c.ResponseCache = true
	case "off":
	default:
		errs = append(errs, fmt.Errorf("RESPONSE_CACHE must be on or off, not %q", *responseCache))
	}
	cacheMB := env("RESPONSE_CACHE_MB", "64")
	if c.ResponseCacheMB, err = strconv.Atoi(cacheMB); err != nil || c.ResponseCacheMB < 1 || c.ResponseCacheMB > 1<<16 {
		errs = append(errs, fmt.Errorf("RESPONSE_CACHE_MB must be a whole number of MiB from 1 to 65536, not %q", cacheMB))
	}
	for _, d := range []struct {
		name, def string
		least     time.Duration
		most      time.Duration
		to        *time.Duration
	}{
		{"RESPONSE_CACHE_TTL", "10m", time.Second, 24 * time.Hour, &c.ResponseCacheTTL},
		{"CACHE_MAX_AGE", "10s", 0, time.Hour, &c.CacheMaxAge},
		{"CACHE_STALE_WHILE_REVALIDATE", "30s", 0, time.Hour, &c.CacheStaleWhileRevalidate},
	} {
		v := env(d.name, d.def)
		if t, err := time.ParseDuration(v); err != nil || t < d.least || t > d.most {
			errs = append(errs, fmt.Errorf("%s must be a duration from %s to %s, such as %s, not %q", d.name, d.least, d.most, d.def, v))
		} else {
			*d.to = t
		}
	}
	c.CachePurgeURL = getenv("CACHE_PURGE_URL")
	if c.CachePurgeURL != "" {
		if u, err := url.Parse(c.CachePurgeURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("CACHE_PURGE_URL must be an http:// or https:// URL"))
		}
	}
	c.BcryptCost = *bcryptCost
	if c.BcryptCost < 4 || c.BcryptCost > 16 {
		errs = append(errs, fmt.Errorf("BCRYPT_COST must be from 4 to 16, not %d", c.BcryptCost))
	}
	c.AdminEmail, c.AdminPassword, c.AdminName = getenv("ADMIN_EMAIL"), getenv("ADMIN_PASSWORD"), env("ADMIN_NAME", "Admin")
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, errors.New("ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither"))
	}
	if _, _, err := store.ParseURL(c.DatabaseURL); err != nil {
		errs = append(errs, fmt.Errorf("DATABASE_URL: %w", err))
	}
	if c.MetricsAddr = strings.TrimSpace(*metricsAddr); c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("METRICS_ADDR must be host:port, such as 127.0.0.1:9090, not %q", c.MetricsAddr))
		}
	}
	if c.DebugExtensions, err = parseBool("DEBUG_EXTENSIONS", strings.TrimSpace(*debugExtensions), false); err != nil {
		errs = append(errs, err)
	} else if c.DebugExtensions && c.Production() {
		errs = append(errs, errors.New("DEBUG_EXTENSIONS must not be on with APP_ENV=production: it shows every client each response's SQL statements and database time"))
	}
	for _, r := range []struct {
		name, value string
		to          *time.Duration
	}{
		{"ENQUIRY_RETENTION", *enquiryRetention, &c.Retention.Enquiries},
		{"CLIENT_IP_RETENTION", *ipRetention, &c.Retention.ClientIPs},
		{"COMMENT_EMAIL_RETENTION", *commentEmailRetention, &c.Retention.CommentEmails},
	} {
		if *r.to, err = parseRetention(r.value); err != nil {
			errs = append(errs, fmt.Errorf("%s %w", r.name, err))
		}
	}
	if c.Backup, err = parseBackup(strings.TrimSpace(*backupDir), *backupEvery, *backupKeep, c.Embedded()); err != nil {
		errs = append(errs, err)
	}
	if c.OTLPEndpoint = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); c.OTLPEndpoint != "" {
		if _, err := tracing.ParseEndpoint(c.OTLPEndpoint); err != nil {
			errs = append(errs, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT %w", err))
		}
	}
	c.UnknownSettings = unknownSettings(environ(), known, lookup)
	errs = append(errs, neededSettings(c, known, lookup)...)
	return c, errors.Join(errs...)
}

// foreignPrefixes are prefixes of settings the server knows that other software
// shares: OTEL_* configure OpenTelemetry SDKs and agents (the server reads one
// of them), so the others are not reported as unknown.
var foreignPrefixes = []string{"OTEL_"}

// extraPrefixes are families of settings the server owns before it reads any of
// them.
var extraPrefixes = []string{"REPLICA_"}

// unknownSettings returns, sorted, the names in environ that getenv gives a
// value, that start like a setting the server knows (the first word and
// underscore of a known name, as DATABASE_ or REDIS_, or one of
// extraPrefixes), or that are long and a typo away from one, and that it does
// not know: a misspelt name, or a setting of another version, which would
// otherwise do nothing in silence. Each comes with the known setting it is
// closest to, if any is close.
func unknownSettings(environ []string, known map[string]bool, getenv func(string) string) []string {
	prefixes := map[string]bool{}
	for _, p := range extraPrefixes {
		prefixes[p] = true
	}
	for name := range known {
		if i := strings.Index(name, "_"); i > 0 {
			prefixes[name[:i+1]] = true
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

// settingNeeds lists the settings that do nothing without another: setting
// (an exact name, or a family ending in "_") needs the setting named needs,
// which has taken effect when present says so (a flag may have given it).
var settingNeeds = []struct {
	setting, needs string
	present        func(Config) bool
}{
	{"REDIS_", "REDIS_URL", func(c Config) bool { return c.RedisURL != "" }},
	{"SMTP_TIMEOUT", "SMTP_URL", func(c Config) bool { return c.SMTPURL != "" }},
	{"SMTP_COMMAND_TIMEOUT", "SMTP_URL", func(c Config) bool { return c.SMTPURL != "" }},
	{"NOTIFY_EMAIL", "SMTP_URL", func(c Config) bool { return c.SMTPURL != "" }},
	{"BACKUP_EVERY", "BACKUP_DIR", func(c Config) bool { return c.Backup.Dir != "" }},
	{"BACKUP_KEEP", "BACKUP_DIR", func(c Config) bool { return c.Backup.Dir != "" }},
	{"TRUSTED_DOCUMENTS_STAFF", "TRUSTED_DOCUMENTS", func(c Config) bool { return c.TrustedDocuments != nil }},
}

// neededSettings returns an error for each known setting set in the
// environment while the one it needs is not: the server would run as if it
// were not set, which is not what its operator meant. (An unknown name of a
// family, REDIS_TEST_URL say, is only reported as unknown: it may be another
// program's.)
func neededSettings(c Config, known map[string]bool, getenv func(string) string) []error {
	var errs []error
	for _, n := range settingNeeds {
		if n.present(c) {
			continue
		}
		names := []string{n.setting}
		if strings.HasSuffix(n.setting, "_") {
			names = nil
			for name := range known {
				if strings.HasPrefix(name, n.setting) && name != n.needs {
					names = append(names, name)
				}
			}
			slices.Sort(names)
		}
		for _, name := range names {
			if strings.TrimSpace(getenv(name)) != "" {
				errs = append(errs, fmt.Errorf("%s is set but %s is not: %s does nothing without it; set %s or unset %s", name, n.needs, name, n.needs, name))
			}
		}
	}
	return errs
}

// parseRetention reads a retention: "off" (kept for ever), a number of days
// ("730d") or a Go duration ("720h"), at least an hour.
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

// BackupConfig is the schedule of the embedded database's backups.
type BackupConfig struct {
	// Dir is BACKUP_DIR: where the backups go; empty turns the schedule off.
	Dir string
	// Every is BACKUP_EVERY (default 24h, at least 1m).
	Every time.Duration
	// Keep is BACKUP_KEEP: how many of the newest are kept (default 7).
	Keep int
}

func parseBackup(dir, every string, keep int, embedded bool) (BackupConfig, error) {
	if dir == "" {
		return BackupConfig{}, nil
	}
	if !embedded {
		return BackupConfig{}, errors.New("BACKUP_DIR backs up the embedded database only; back MySQL up with mariadb-dump --single-transaction or mariabackup (see the README)")
	}
	d, err := time.ParseDuration(strings.TrimSpace(every))
	if err != nil || d < time.Minute {
		return BackupConfig{}, fmt.Errorf("BACKUP_EVERY must be a duration of at least 1m, such as 6h, not %q", every)
	}
	if keep < 1 {
		return BackupConfig{}, fmt.Errorf("BACKUP_KEEP must be at least 1, not %d", keep)
	}
	return BackupConfig{Dir: dir, Every: d, Keep: keep}, nil
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

// RateLimit is a burst of events, then one per interval; Burst -1 means no limit.
type RateLimit struct {
	Burst    int
	Interval time.Duration
}

// points returns a budget of Burst points refilled evenly over Interval, whose
// refusals are counted in the metrics under name, kept in shared (Redis) when
// set, or nil when the limit is off. When Redis does not answer, it counts in
// memory: a cost budget protects the server, not an account.
func (l RateLimit) points(name string, shared *ratelimit.Shared) *ratelimit.Limiter {
	if l.Burst <= 0 {
		return nil
	}
	return ratelimit.New(l.Burst, l.Interval/time.Duration(l.Burst), time.Now).Named(name).Share(shared, ratelimit.FailLocal)
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

func parseBool(name, v string, def bool) (bool, error) {
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s must be true or false, not %q", name, v)
	}
	return b, nil
}

// maskedDatabaseURL returns the database URL with its password hidden, for logs.
func (c Config) maskedDatabaseURL() string {
	u := c.DatabaseURL
	at := strings.LastIndex(u, "@")
	if at < 0 {
		return u
	}
	start := 0 // a plain DSN: user:pass@tcp(...)
	if i := strings.Index(u, "://"); i >= 0 && i < at {
		start = i + 3
	}
	if colon := strings.Index(u[start:at], ":"); colon >= 0 {
		return u[:start+colon+1] + "*****" + u[at:]
	}
	return u
}

// webSocketOrigins returns the hosts of CORS_ORIGINS, which may also open
// subscriptions.
func (c Config) webSocketOrigins() []string {
	var hosts []string
	for _, o := range c.CORSOrigins {
		if o == "*" {
			return []string{"*"}
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}
