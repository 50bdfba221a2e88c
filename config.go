package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
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

// Config is the server's configuration, one struct per concern, each with its
// settings (environment variables, overridden by flags) and its own checks. A
// bad value stops the server at start with a message naming the setting. The
// the table of docs/configuration.md documents every setting (a test checks that
// the two lists are the same).
type Config struct {
	// Env is APP_ENV: "development" (default) or "production". Production turns
	// the playground and introspection off and logs JSON, unless set otherwise.
	Env       string
	Log       LogConfig
	HTTP      HTTPConfig
	Database  DatabaseConfig
	Auth      AuthConfig
	Limits    LimitsConfig
	Mail      MailConfig
	Redis     RedisConfig
	Cache     CacheConfig
	Telemetry TelemetryConfig
	// Retention is how long personal data is kept.
	Retention models.Retention
	// UnknownSettings are the environment variables set that look like ours
	// but are none of them (see unknownSettings), each with a note: logged at
	// start.
	UnknownSettings []string
}

// DefaultDatabaseURL is the embedded database used when DATABASE_URL is not set.
const DefaultDatabaseURL = "sqlite:data/coursegraph.db"

// Production reports whether the server runs in production.
func (c Config) Production() bool { return c.Env == "production" }

// Embedded reports whether the database is the embedded SQLite one.
func (c Config) Embedded() bool { return c.Database.Embedded() }

// loadConfig reads the environment through getenv and then the flags in args.
// The names of the process's environment (os.Environ) that getenv also gives
// are checked for settings the server does not know (see unknownSettings).
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	return loadConfigFrom(args, getenv, os.Environ, stderr)
}

// loadConfigFrom is loadConfig with the environment's names from environ.
func loadConfigFrom(args []string, getenv func(string) string, environ func() []string, stderr io.Writer) (Config, error) {
	var c Config
	list := c.settings()
	if err := readSettings(list, args, getenv, stderr); err != nil {
		return Config{}, err
	}
	c.UnknownSettings = unknownSettings(list, environ(), getenv)
	return c, c.check()
}

// settings lists every setting, concern by concern, pointing into c. APP_ENV
// comes first: the defaults of others depend on it.
func (c *Config) settings() []setting {
	list := []setting{{
		name: "APP_ENV", flag: "env", def: "development", usage: "development or production",
		set: func(v string) error {
			if v != "development" && v != "production" {
				return fmt.Errorf("must be development or production, not %q", v)
			}
			c.Env = v
			return nil
		},
	}}
	// A closure, not the method value c.Production, which would copy c now,
	// before APP_ENV is read.
	production := func() bool { return c.Production() }
	for _, concern := range [][]setting{
		c.Log.settings(production),
		c.Database.settings(),
		c.HTTP.settings(production),
		c.Auth.settings(),
		c.Limits.settings(),
		c.Mail.settings(),
		c.Redis.settings(),
		c.Cache.settings(),
		c.Telemetry.settings(),
		retentionSettings(&c.Retention),
	} {
		list = append(list, concern...)
	}
	return list
}

// check runs each concern's checks of its settings taken together.
func (c Config) check() error {
	return errors.Join(c.Database.check(), c.Auth.check(), c.Telemetry.check(c.Production()))
}

// LogConfig is how the server logs.
type LogConfig struct {
	// Level is LOG_LEVEL: debug, info (default), warn or error.
	Level slog.Level
	// Format is LOG_FORMAT: text (default in development) or json (default in
	// production).
	Format string
}

func (l *LogConfig) settings(production func() bool) []setting {
	return []setting{
		{name: "LOG_LEVEL", def: "info", usage: "debug, info, warn or error", set: func(v string) error {
			if err := l.Level.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("must be debug, info, warn or error, not %q", v)
			}
			return nil
		}},
		{name: "LOG_FORMAT", usage: "text or json (default json in production)", set: func(v string) error {
			switch v {
			case "":
				l.Format = "text"
				if production() {
					l.Format = "json"
				}
			case "text", "json":
				l.Format = v
			default:
				return fmt.Errorf("must be text or json, not %q", v)
			}
			return nil
		}},
	}
}

// HTTPConfig is how the server listens and answers.
type HTTPConfig struct {
	// Addr is where to listen: ADDR (host:port), or PORT (default 8080).
	// Without a host, it is every interface in production and 127.0.0.1
	// otherwise (the demo is private to this machine).
	Addr string
	// CORSOrigins is CORS_ORIGINS: origins allowed to call the API from a
	// browser, comma-separated, or "*". Default: none (same origin only).
	CORSOrigins []string
	// Playground is PLAYGROUND: serve the GraphQL playground at / (default:
	// true in development, false in production).
	Playground bool
	// Introspection is INTROSPECTION: answer schema introspection (default:
	// true in development, false in production).
	Introspection bool
	// TrustedProxies is TRUSTED_PROXIES: addresses or CIDR ranges of reverse
	// proxies whose X-Forwarded-For names the client (default none).
	TrustedProxies []netip.Prefix
	// RequestTimeout is REQUEST_TIMEOUT: how long a request may take, database
	// calls and the wait for a pooled connection included, 1s to 5m (default
	// 10s). A request the database does not answer in time is answered
	// SERVICE_UNAVAILABLE (HTTP 503).
	RequestTimeout time.Duration
	// ShutdownDrain is SHUTDOWN_DRAIN: on SIGTERM, how long the server keeps
	// answering, unready and with "Connection: close", before it stops
	// accepting (default 5s in production, 0s in development).
	ShutdownDrain time.Duration
	// TrustedDocuments is the manifest read from the file TRUSTED_DOCUMENTS
	// (Apollo's persisted-query manifest, or a JSON object of id to document):
	// when set, the server runs only its documents.
	TrustedDocuments *persisted.Manifest
	// TrustedDocumentsStaff is TRUSTED_DOCUMENTS_STAFF (default false): with
	// trusted documents, signed-in staff may still send any document.
	TrustedDocumentsStaff bool

	port string // PORT, used when ADDR is not set
}

func (h *HTTPConfig) settings(production func() bool) []setting {
	return []setting{
		{name: "PORT", flag: noFlag, def: "8080", usage: "port to listen on, when ADDR is not set", set: text(&h.port)},
		{name: "ADDR", usage: "address to listen on, host:port (or PORT)", set: func(v string) error {
			if v == "" {
				if n, err := strconv.Atoi(h.port); err != nil || n < 0 || n > 65535 {
					return fmt.Errorf("is not set, and PORT must be a port number, not %q", h.port)
				}
				v = ":" + h.port
			}
			host, port, err := net.SplitHostPort(v)
			if err != nil {
				return fmt.Errorf("must be host:port, not %q", v)
			}
			if host == "" && !production() {
				// The demo, with its demo admin, is private to this machine
				// unless ADDR names an interface.
				v = net.JoinHostPort("127.0.0.1", port)
			}
			h.Addr = v
			return nil
		}},
		{name: "CORS_ORIGINS", usage: "allowed browser origins, comma-separated", set: func(v string) error {
			h.CORSOrigins = nil
			for o := range strings.SplitSeq(v, ",") {
				if o = strings.TrimSpace(o); o == "" {
					continue
				}
				if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
					return fmt.Errorf("must list origins such as https://example.org, not %q", o)
				}
				h.CORSOrigins = append(h.CORSOrigins, o)
			}
			return nil
		}},
		{name: "PLAYGROUND", usage: "serve the playground at / (default true in development)",
			set: boolean(&h.Playground, func() bool { return !production() })},
		{name: "INTROSPECTION", usage: "answer introspection (default true in development)",
			set: boolean(&h.Introspection, func() bool { return !production() })},
		{name: "TRUSTED_PROXIES", usage: "trusted reverse proxies, comma-separated", set: prefixes(&h.TrustedProxies, false)},
		{name: "REQUEST_TIMEOUT", def: "10s", usage: "how long a request may take, database included",
			set: duration(&h.RequestTimeout, time.Second, 5*time.Minute, "10s")},
		{name: "SHUTDOWN_DRAIN", usage: "how long to keep answering, unready, before shutting down (default 5s in production)", set: func(v string) error {
			if v == "" {
				h.ShutdownDrain = 0
				if production() {
					h.ShutdownDrain = 5 * time.Second
				}
				return nil
			}
			return duration(&h.ShutdownDrain, 0, time.Minute, "5s")(v)
		}},
		{name: "TRUSTED_DOCUMENTS", usage: "run only the documents of this manifest file", set: func(v string) (err error) {
			h.TrustedDocuments = nil
			if v != "" {
				if h.TrustedDocuments, err = persisted.LoadManifest(v); err != nil {
					return fmt.Errorf("%s: %w", v, err)
				}
			}
			return nil
		}},
		{name: "TRUSTED_DOCUMENTS_STAFF", needs: "TRUSTED_DOCUMENTS", usage: "with trusted documents, let signed-in staff send any document",
			set: boolean(&h.TrustedDocumentsStaff, func() bool { return false })},
	}
}

// webSocketOrigins returns the hosts of CORS_ORIGINS, which may also open
// subscriptions.
func (h HTTPConfig) webSocketOrigins() []string {
	var hosts []string
	for _, o := range h.CORSOrigins {
		if o == "*" {
			return []string{"*"}
		}
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}

// DatabaseConfig is the database, and what keeps the embedded one.
type DatabaseConfig struct {
	// URL is DATABASE_URL: "mysql://user:pass@host:3306/db", a Go MySQL DSN, or
	// "sqlite:path". Default: the embedded SQLite database
	// sqlite:data/coursegraph.db.
	URL string
	// SQLiteEngineCache is SQLITE_ENGINE_CACHE: a directory where the embedded
	// SQLite engine keeps its compiled machine code between starts, or "off".
	// Default: .sqlite-engine beside the database file; "" when not embedded.
	SQLiteEngineCache string
	// Backup is the schedule of backups of the embedded database (BACKUP_DIR,
	// BACKUP_EVERY, BACKUP_KEEP); off by default.
	Backup BackupConfig
	// ReplicaURLs are DATABASE_REPLICA_URLS: MySQL read replicas of URL,
	// comma-separated, in the same forms. Anonymous queries read a replica in
	// rotation; everything else reads the primary. Default none.
	ReplicaURLs []string
	// ReplicaMaxLag is REPLICA_MAX_LAG: a replica that lags more than this
	// behind the primary (or does not answer) is out of rotation until it
	// catches up, 100ms to 10m (default 5s).
	ReplicaMaxLag time.Duration
	// ReplicaReadAfterWrite is REPLICA_READ_AFTER_WRITE: how long an anonymous
	// client that has just sent a mutation reads the primary (default, and
	// least: the longest a replica in rotation may lag, REPLICA_MAX_LAG plus
	// one lag check).
	ReplicaReadAfterWrite time.Duration
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

// Embedded reports whether the database is the embedded SQLite one.
func (d DatabaseConfig) Embedded() bool { return strings.HasPrefix(d.URL, "sqlite:") }

func (d *DatabaseConfig) settings() []setting {
	return []setting{
		{name: "DATABASE_URL", def: DefaultDatabaseURL, usage: "database URL", set: func(v string) error {
			if _, _, err := store.ParseURL(v); err != nil {
				return fmt.Errorf("is not a database URL: %w", err)
			}
			d.URL = v
			return nil
		}},
		{name: "SQLITE_ENGINE_CACHE", usage: "where the embedded SQLite engine keeps its compiled code, or off", set: func(v string) error {
			d.SQLiteEngineCache = v
			if file, ok := store.SQLiteFile(d.URL); ok && v == "" {
				d.SQLiteEngineCache = filepath.Join(filepath.Dir(file), ".sqlite-engine")
			}
			if d.SQLiteEngineCache == "off" || !d.Embedded() {
				d.SQLiteEngineCache = ""
			}
			return nil
		}},
		{name: "BACKUP_DIR", usage: "keep scheduled backups of the embedded database here (default off)", set: text(&d.Backup.Dir)},
		{name: "BACKUP_EVERY", needs: "BACKUP_DIR", def: "24h", usage: "how often to back up into BACKUP_DIR", set: func(v string) error {
			if t, err := time.ParseDuration(v); err != nil || t < time.Minute {
				return fmt.Errorf("must be a duration of at least 1m, such as 6h, not %q", v)
			} else {
				d.Backup.Every = t
			}
			return nil
		}},
		{name: "BACKUP_KEEP", needs: "BACKUP_DIR", def: "7", usage: "how many scheduled backups to keep", set: wholeNumber(&d.Backup.Keep, 1, 10000)},
		{name: "DATABASE_REPLICA_URLS", usage: "MySQL read replicas of the database, comma-separated", set: func(v string) error {
			d.ReplicaURLs = nil
			for u := range strings.SplitSeq(v, ",") {
				if u = strings.TrimSpace(u); u == "" {
					continue
				}
				if dialect, _, err := store.ParseURL(u); err != nil || dialect != store.MySQL {
					return errors.New("must list MySQL URLs (mysql://user:pass@host:3306/db or Go MySQL DSNs), comma-separated")
				}
				d.ReplicaURLs = append(d.ReplicaURLs, u)
			}
			return nil
		}},
		{name: "REPLICA_MAX_LAG", needs: "DATABASE_REPLICA_URLS", def: "5s", usage: "the most a read replica may lag and stay in rotation",
			set: duration(&d.ReplicaMaxLag, 100*time.Millisecond, 10*time.Minute, "5s")},
		{name: "REPLICA_READ_AFTER_WRITE", needs: "DATABASE_REPLICA_URLS", usage: "how long a client that has just written reads the primary (default REPLICA_MAX_LAG plus one lag check)", set: func(v string) error {
			// A replica in rotation lags REPLICA_MAX_LAG at most, plus what it
			// may fall behind between two checks.
			least := d.ReplicaMaxLag + store.ReplicaCheckEvery(d.ReplicaMaxLag)
			d.ReplicaReadAfterWrite = least
			if v == "" {
				return nil
			}
			t, err := time.ParseDuration(v)
			switch {
			case err != nil || t > time.Hour:
				return fmt.Errorf("must be a duration of at most 1h, such as 10s, not %q", v)
			case t < least:
				return fmt.Errorf("must be at least %s (REPLICA_MAX_LAG plus one lag check, the most a replica in rotation may lag), not %s", least, v)
			}
			d.ReplicaReadAfterWrite = t
			return nil
		}},
	}
}

func (d DatabaseConfig) check() error {
	var errs []error
	if d.Backup.Dir != "" && !d.Embedded() {
		errs = append(errs, errors.New("BACKUP_DIR backs up the embedded database only; back MySQL up with mariadb-dump --single-transaction or mariabackup (see docs/operations.md)"))
	}
	if dialect, _, _ := store.ParseURL(d.URL); len(d.ReplicaURLs) > 0 && dialect != store.MySQL {
		errs = append(errs, errors.New("DATABASE_REPLICA_URLS needs a MySQL primary in DATABASE_URL: the embedded SQLite database has no read replicas"))
	}
	return errors.Join(errs...)
}

// masked returns the database URL with its password hidden, for logs.
func (d DatabaseConfig) masked() string {
	u := d.URL
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

// AuthConfig is how staff sign in.
type AuthConfig struct {
	// SessionTTL is SESSION_TTL: how long a sign-in lasts (default 168h, a week).
	SessionTTL time.Duration
	// BcryptCost is BCRYPT_COST: the work factor of password hashes, 4 to 16
	// (default 12). Lower it only for tests.
	BcryptCost int
	// AdminEmail, AdminPassword and AdminName are ADMIN_EMAIL, ADMIN_PASSWORD
	// and ADMIN_NAME (default "Admin"): the first admin, made at start when
	// there is no active admin. Environment only, so the password is not on a
	// command line.
	AdminEmail, AdminPassword, AdminName string
}

func (a *AuthConfig) settings() []setting {
	return []setting{
		{name: "SESSION_TTL", def: "168h", usage: "how long a sign-in lasts", set: func(v string) error {
			if d, err := time.ParseDuration(v); err != nil || d < time.Minute {
				return fmt.Errorf("must be a duration of at least 1m, such as 168h, not %q", v)
			} else {
				a.SessionTTL = d
			}
			return nil
		}},
		{name: "BCRYPT_COST", def: "12", usage: "password hash work factor", set: wholeNumber(&a.BcryptCost, 4, 16)},
		{name: "ADMIN_EMAIL", flag: noFlag, usage: "the first admin's email", set: text(&a.AdminEmail)},
		{name: "ADMIN_PASSWORD", flag: noFlag, usage: "the first admin's password", set: text(&a.AdminPassword)},
		{name: "ADMIN_NAME", flag: noFlag, def: "Admin", usage: "the first admin's name", set: text(&a.AdminName)},
	}
}

func (a AuthConfig) check() error {
	if (a.AdminEmail == "") != (a.AdminPassword == "") {
		return errors.New("ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither")
	}
	return nil
}

// LimitsConfig bounds what clients may ask: per address, and per document.
type LimitsConfig struct {
	// CommentsPerAddress is COMMENTS_PER_ADDRESS: how many comments one client
	// address may post at once, then how often, as "burst/interval" (default
	// "5/2m"), or "off".
	CommentsPerAddress RateLimit
	// EnquiriesPerAddress is ENQUIRIES_PER_ADDRESS: contact-form messages one
	// client address may send, as "burst/interval" (default "5/5m"), or "off".
	EnquiriesPerAddress RateLimit
	// AnonymousCost is ANONYMOUS_COST_PER_ADDRESS: the cost points (as
	// QUERY_MAX_COST counts them) that anonymous requests from one client
	// address may spend, as points/interval (default "60000/1m"), or "off". An
	// operation the budget cannot pay is refused with HTTP 429 RATE_LIMITED.
	AnonymousCost RateLimit
	// AnonymousCostExempt is ANONYMOUS_COST_EXEMPT: addresses or CIDR ranges the
	// budget does not apply to (default loopback, "127.0.0.0/8,::1"), or "none".
	AnonymousCostExempt []netip.Prefix
	// Query bounds each GraphQL document before it is validated:
	// QUERY_MAX_TOKENS, QUERY_MAX_ALIASES, QUERY_MAX_DIRECTIVES,
	// QUERY_MAX_REPEATS, QUERY_MAX_DEPTH and QUERY_MAX_COST, each a positive
	// whole number or "off".
	Query gqlserver.Limits
}

func (l *LimitsConfig) settings() []setting {
	list := []setting{
		{name: "COMMENTS_PER_ADDRESS", def: "5/2m", usage: "comment rate limit per client address, burst/interval or off", set: rateLimit(&l.CommentsPerAddress)},
		{name: "ENQUIRIES_PER_ADDRESS", def: "5/5m", usage: "contact-form rate limit per client address, burst/interval or off", set: rateLimit(&l.EnquiriesPerAddress)},
		{name: "ANONYMOUS_COST_PER_ADDRESS", def: "60000/1m", usage: "cost points anonymous requests from one address may spend, points/interval or off", set: rateLimit(&l.AnonymousCost)},
		{name: "ANONYMOUS_COST_EXEMPT", def: "127.0.0.0/8,::1", usage: "addresses or CIDR ranges the anonymous cost budget does not apply to, or none", set: prefixes(&l.AnonymousCostExempt, true)},
	}
	for _, q := range []struct {
		name, usage string
		def         int
		to          *int
	}{
		{"QUERY_MAX_TOKENS", "tokens in a GraphQL document", gqlserver.DefaultTokenLimit, &l.Query.Tokens},
		{"QUERY_MAX_ALIASES", "aliases in a GraphQL document", gqlserver.DefaultAliasLimit, &l.Query.Aliases},
		{"QUERY_MAX_DIRECTIVES", "directives on one field, fragment or operation", gqlserver.DefaultDirectiveLimit, &l.Query.Directives},
		{"QUERY_MAX_REPEATS", "times one name may appear in one selection set", gqlserver.DefaultRepeatLimit, &l.Query.Repeats},
		{"QUERY_MAX_DEPTH", "fields nested in one another, through fragments", gqlserver.DefaultDepthLimit, &l.Query.Depth},
		{"QUERY_MAX_COST", "cost of an operation (each field 1, lists times their page size)", gqlserver.DefaultComplexityLimit, &l.Query.Cost},
	} {
		list = append(list, setting{name: q.name, def: strconv.Itoa(q.def), usage: "the most " + q.usage + ", or off", set: limitOrOff(q.to)})
	}
	return list
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

// MailConfig is where enquiry notices go.
type MailConfig struct {
	// SMTPURL is SMTP_URL: smtp://user:pass@host:587?from=noreply@example.org&tls=starttls
	// or smtps://…. Default: none (no email). Secret: environment only.
	SMTPURL string
	// NotifyEmail is NOTIFY_EMAIL: who gets enquiry notices (default: the
	// centre's email).
	NotifyEmail string
	// Timeout is SMTP_TIMEOUT: how long one email may take to deliver, from the
	// dial to the last reply (default 30s). CommandTimeout is
	// SMTP_COMMAND_TIMEOUT: how long the mail server may take to accept the
	// connection or answer one command (default 10s). At most a minute each: a
	// message is claimed for two minutes while it is sent, and another
	// instance must not send it again meanwhile.
	Timeout, CommandTimeout time.Duration
	// PollInterval is MAIL_POLL_INTERVAL: how often the outbox is checked for
	// due mail (default 5s).
	PollInterval time.Duration
}

func (m *MailConfig) settings() []setting {
	return []setting{
		{name: "SMTP_URL", flag: noFlag, usage: "where to send enquiry notices", set: func(v string) error {
			if v != "" {
				if _, err := mail.ParseURL(v); err != nil {
					return err
				}
			}
			m.SMTPURL = v
			return nil
		}},
		{name: "NOTIFY_EMAIL", needs: "SMTP_URL", usage: "who receives enquiry notices (default the centre's email)", set: func(v string) error {
			if v != "" {
				if err := models.ValidateEmail("NOTIFY_EMAIL", v); err != nil {
					return fmt.Errorf("must be an email address: %w", err)
				}
			}
			m.NotifyEmail = v
			return nil
		}},
		{name: "SMTP_TIMEOUT", needs: "SMTP_URL", def: "30s", usage: "how long one email may take to deliver",
			set: duration(&m.Timeout, 100*time.Millisecond, time.Minute, "30s")},
		{name: "SMTP_COMMAND_TIMEOUT", needs: "SMTP_URL", def: "10s", usage: "how long the mail server may take to answer one command",
			set: duration(&m.CommandTimeout, 100*time.Millisecond, time.Minute, "10s")},
		{name: "MAIL_POLL_INTERVAL", needs: "SMTP_URL", def: "5s", usage: "how often the outbox is checked for due mail",
			set: duration(&m.PollInterval, 10*time.Millisecond, time.Minute, "5s")},
	}
}

// RedisConfig is the Redis that several instances share.
type RedisConfig struct {
	// URL is REDIS_URL: a Redis that several instances share, for the automatic
	// persisted queries (each kept 24 h after its last use), the response
	// cache, the live events and the rate limits; unset, each instance keeps
	// them in memory.
	URL string
	// Timeout is REDIS_TIMEOUT: the longest a request waits on Redis for a
	// rate limit, to announce a live event or for a read-after-write mark,
	// 10ms to 5s (default 250ms); then
	// it does without (see docs/operations.md, "Running several instances").
	Timeout time.Duration
}

func (r *RedisConfig) settings() []setting {
	return []setting{
		{name: "REDIS_URL", usage: "Redis shared by every instance, such as redis://localhost:6379/0", set: func(v string) error {
			if v != "" {
				if _, err := redisconn.ParseURL(v); err != nil {
					return fmt.Errorf("must be a redis:// or rediss:// URL: %w", err)
				}
			}
			r.URL = v
			return nil
		}},
		{name: "REDIS_TIMEOUT", needs: "REDIS_URL", def: "250ms", usage: "the longest a request waits on Redis for a rate limit or a live event",
			set: duration(&r.Timeout, 10*time.Millisecond, 5*time.Second, "250ms")},
	}
}

// CacheConfig is the response cache and the HTTP caching of public answers.
type CacheConfig struct {
	// On is RESPONSE_CACHE: "on" (default) keeps the answers of anonymous
	// queries until a write changes what they read; "off" turns the cache and
	// its HTTP caching headers off.
	On bool
	// MB is RESPONSE_CACHE_MB: the most memory, in MiB, the answers kept in
	// process may take (default 64; not used with REDIS_URL).
	MB int
	// TTL is RESPONSE_CACHE_TTL: the longest an answer is kept when nothing
	// changes it, 1s to 24h (default 10m).
	TTL time.Duration
	// MaxAge and StaleWhileRevalidate are CACHE_MAX_AGE (default 10s) and
	// CACHE_STALE_WHILE_REVALIDATE (default 30s): the Cache-Control of public
	// answers over GET, for browsers and CDNs, 0s to 1h.
	MaxAge, StaleWhileRevalidate time.Duration
	// PurgeURL is CACHE_PURGE_URL: when set, the tags each write changed are
	// POSTed there ({"tags": [...]}), in the background, for a CDN to purge.
	PurgeURL string
}

func (c *CacheConfig) settings() []setting {
	return []setting{
		{name: "RESPONSE_CACHE", def: "on", usage: "keep anonymous answers until a write changes them: on or off", set: onOff(&c.On)},
		{name: "RESPONSE_CACHE_MB", def: "64", usage: "the most MiB the answers kept in process may take", set: wholeNumber(&c.MB, 1, 1<<16)},
		{name: "RESPONSE_CACHE_TTL", def: "10m", usage: "the longest an unchanged answer is kept", set: duration(&c.TTL, time.Second, 24*time.Hour, "10m")},
		{name: "CACHE_MAX_AGE", def: "10s", usage: "Cache-Control max-age of public answers over GET", set: duration(&c.MaxAge, 0, time.Hour, "10s")},
		{name: "CACHE_STALE_WHILE_REVALIDATE", def: "30s", usage: "Cache-Control stale-while-revalidate of public answers over GET", set: duration(&c.StaleWhileRevalidate, 0, time.Hour, "30s")},
		{name: "CACHE_PURGE_URL", usage: "where to POST the tags each write changed, for a CDN", set: func(v string) error {
			if v != "" {
				if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return errors.New("must be an http:// or https:// URL")
				}
			}
			c.PurgeURL = v
			return nil
		}},
	}
}

// TelemetryConfig is what the server tells its operators.
type TelemetryConfig struct {
	// MetricsAddr is METRICS_ADDR: where to serve /metrics (Prometheus text
	// format), host:port, on a listener of its own that should not be public.
	// Default: none.
	MetricsAddr string
	// DebugExtensions is DEBUG_EXTENSIONS: put each response's SQL statement
	// count, database time and cache status in its extensions.debug. Default
	// false; refused in production.
	DebugExtensions bool
	// OTLPEndpoint is OTEL_EXPORTER_OTLP_ENDPOINT: where to send trace spans over
	// OTLP/HTTP, as http(s)://host:port. Default: none (no tracing).
	// Environment only, as OpenTelemetry has it.
	OTLPEndpoint string
	// PprofAddr is PPROF_ADDR: where to serve Go's profiles (net/http/pprof,
	// under /debug/pprof/), on a listener of its own, at a loopback address
	// only: they show the program's internals and a CPU profile costs CPU.
	// Default: none (nothing registered, no listener).
	PprofAddr string
}

func (t *TelemetryConfig) settings() []setting {
	return []setting{
		{name: "METRICS_ADDR", usage: "where to serve /metrics, host:port (default off)", set: func(v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return fmt.Errorf("must be host:port, such as 127.0.0.1:9090, not %q", v)
				}
			}
			t.MetricsAddr = v
			return nil
		}},
		{name: "PPROF_ADDR", usage: "where to serve Go's profiles (/debug/pprof/), a loopback host:port (default off)", set: func(v string) error {
			if v != "" && !loopbackHostPort(v) {
				return fmt.Errorf("must be a loopback host:port, such as 127.0.0.1:6060 (profiles are for this machine only), not %q", v)
			}
			t.PprofAddr = v
			return nil
		}},
		{name: "DEBUG_EXTENSIONS", usage: "show statements, database time and cache status in each response (never in production)",
			set: boolean(&t.DebugExtensions, func() bool { return false })},
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT", flag: noFlag, usage: "where to send trace spans over OTLP/HTTP", set: func(v string) error {
			if v != "" {
				if _, err := tracing.ParseEndpoint(v); err != nil {
					return err
				}
			}
			t.OTLPEndpoint = v
			return nil
		}},
	}
}

// loopbackHostPort reports whether v is host:port with a host that is a
// loopback IP address or localhost: an empty host would listen on every
// interface.
func loopbackHostPort(v string) bool {
	host, _, err := net.SplitHostPort(v)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func (t TelemetryConfig) check(production bool) error {
	if t.DebugExtensions && production {
		return errors.New("DEBUG_EXTENSIONS must not be on with APP_ENV=production: it shows every client each response's SQL statements and database time")
	}
	return nil
}

// retentionSettings are how long personal data is kept: ENQUIRY_RETENTION
// (default 730d after an enquiry is closed), CLIENT_IP_RETENTION (30d) and
// COMMENT_EMAIL_RETENTION (365d), each may be off.
func retentionSettings(r *models.Retention) []setting {
	return []setting{
		{name: "ENQUIRY_RETENTION", def: "730d", usage: "how long a closed enquiry keeps its sender's details, or off", set: retention(&r.Enquiries)},
		{name: "CLIENT_IP_RETENTION", def: "30d", usage: "how long client addresses are kept, or off", set: retention(&r.ClientIPs)},
		{name: "COMMENT_EMAIL_RETENTION", def: "365d", usage: "how long a comment keeps its reader's email, or off", set: retention(&r.CommentEmails)},
	}
}
