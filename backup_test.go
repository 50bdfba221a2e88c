package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/auth"
	"coursegraph/gqlserver"
	"coursegraph/logging"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/go-sql-driver/mysql"
)

// runCommand runs the program's command with env and returns its output.
func runCommand(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

// enquiryWriter submits enquiries through the service until stop is closed and
// keeps the ids of those it got a receipt for, in order.
type enquiryWriter struct {
	mu  sync.Mutex
	ids []uint
}

func (w *enquiryWriter) receipted() []uint {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]uint(nil), w.ids...)
}

func (w *enquiryWriter) run(t *testing.T, svc *service.Service, n int, stop <-chan struct{}) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		r, err := svc.SubmitEnquiry(context.Background(), models.EnquiryInput{
			Name: "Visitor", Email: fmt.Sprintf("w%d-%d@example.com", n, i), Message: fmt.Sprintf("Question %d from writer %d", i, n),
		})
		if err != nil {
			t.Errorf("submit: %v", err)
			return
		}
		w.mu.Lock()
		w.ids = append(w.ids, r.ID)
		w.mu.Unlock()
	}
}

// TestABackupTakenUnderLoadHoldsEveryEnquiryReceiptedBeforeIt: enquiries arrive
// from four writers while `coursegraph backup` runs; the backup, restored into a
// fresh folder with `coursegraph restore`, holds every enquiry that had its
// receipt before the backup began.
func TestABackupTakenUnderLoadHoldsEveryEnquiryReceiptedBeforeIt(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "live", "coursegraph.db")}
	st := migratedStore(t, env)
	svc, err := service.New(st, service.Options{BcryptCost: 4, EnquiriesPerAddress: service.Limit{Burst: -1}})
	if err != nil {
		t.Fatal(err)
	}
	w, stop, done := &enquiryWriter{}, make(chan struct{}), sync.WaitGroup{}
	for n := range 4 {
		done.Go(func() { w.run(t, svc, n, stop) })
	}
	apitest.WaitFor(t, "enquiries before the backup", func() bool { return len(w.receipted()) >= 40 })
	before := w.receipted()
	file := filepath.Join(dir, "backups", "mid-way.db")
	out, err := runCommand(t, env, "backup", file)
	if err != nil || !strings.Contains(out, file) {
		t.Fatalf("backup: %v %q", err, out)
	}
	apitest.WaitFor(t, "enquiries after the backup", func() bool { return len(w.receipted()) >= len(before)+20 })
	close(stop)
	done.Wait()

	fresh := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "fresh", "data", "coursegraph.db")}
	out, err = runCommand(t, fresh, "restore", file)
	if err != nil || !strings.Contains(out, "restored") || strings.Contains(out, "kept as") {
		t.Fatalf("restore into a fresh folder: %v %q", err, out)
	}
	restored, err := store.Open(context.Background(), fresh["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	admin := asOperator(t, restored)
	for _, id := range before {
		if _, err := admin.svc.Enquiry(admin.ctx, id); err != nil {
			t.Errorf("enquiry %d had its receipt before the backup began but is not in it: %v", id, err)
		}
	}
	if pending, err := restored.HasPendingMigrations(context.Background()); err != nil || pending {
		t.Errorf("the restored database lacks migrations: %v %v", pending, err)
	}
	t.Logf("%d enquiries receipted before the backup, %d in all", len(before), len(w.receipted()))
}

// signedIn is a service over a store and a context signed in as an admin.
type signedIn struct {
	svc *service.Service
	ctx context.Context
}

// asOperator returns the service over st as the operator.
func asOperator(t *testing.T, st *store.Store) signedIn {
	t.Helper()
	svc, err := service.New(st, service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	return signedIn{svc: svc, ctx: auth.AsSystem(context.Background())}
}

// TestRestoreChecksTheBackupAndTheServerAndKeepsWhatItReplaces: restore refuses
// a file that is not a coursegraph database and a database a server has open,
// changing nothing; over a stopped database it keeps the replaced one beside it.
func TestRestoreChecksTheBackupAndTheServerAndKeepsWhatItReplaces(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "data", "coursegraph.db")
	env := map[string]string{"DATABASE_URL": "sqlite:" + target, "BCRYPT_COST": "4"}
	if _, err := runCommand(t, env, "migrate"); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "one.db")
	if _, err := runCommand(t, env, "backup", backup); err != nil {
		t.Fatal(err)
	}
	notOurs := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notOurs, []byte("not a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runCommand(t, env, "restore", notOurs); err == nil || !strings.Contains(err.Error(), "not a") {
		t.Errorf("restoring a text file: %v; want it refused as not a database", err)
	}
	if _, err := runCommand(t, env, "restore", filepath.Join(dir, "missing.db")); err == nil {
		t.Error("restoring a missing file succeeded")
	}
	if _, err := runCommand(t, env, "backup"); err == nil || exitCode(err) != 2 {
		t.Errorf("backup without a file: %v; want a usage error (exit 2)", err)
	}

	// While a server has the database open, restore changes nothing.
	_, _, stop := startServer(t, env)
	if _, err := runCommand(t, env, "restore", backup); err == nil || !strings.Contains(err.Error(), "stop the server") {
		t.Errorf("restore under a running server: %v; want it refused", err)
	}
	if entries, _ := filepath.Glob(target + ".replaced-*"); len(entries) > 0 {
		t.Errorf("a refused restore moved the database: %v", entries)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	out, err := runCommand(t, env, "restore", backup)
	if err != nil || !strings.Contains(out, "kept as") {
		t.Fatalf("restore over a stopped database: %v %q", err, out)
	}
	kept, _ := filepath.Glob(target + ".replaced-*")
	if len(kept) != 1 {
		t.Fatalf("replaced databases kept: %v; want one", kept)
	}
	if _, err := checkBackup(context.Background(), copyOf(t, kept[0])); err != nil {
		t.Errorf("the kept database is not a coursegraph database: %v", err)
	}
}

func copyOf(t *testing.T, file string) string {
	t.Helper()
	c := filepath.Join(t.TempDir(), filepath.Base(file))
	if err := copyFile(file, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestScheduledBackupsKeepTheNewest: each scheduled backup is a file named for
// its time, and only the newest BACKUP_KEEP stay.
func TestScheduledBackupsKeepTheNewest(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "coursegraph.db")}
	st := migratedStore(t, env)
	cfg := BackupConfig{Dir: filepath.Join(dir, "backups"), Every: time.Hour, Keep: 2}
	start := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	for i := range 4 {
		if _, err := backupNow(context.Background(), st, cfg, start.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := filepath.Glob(filepath.Join(cfg.Dir, "*"))
	want := []string{filepath.Join(cfg.Dir, "coursegraph-20261207T050000Z.db"), filepath.Join(cfg.Dir, "coursegraph-20261207T060000Z.db")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("backups kept: %v; want %v", got, want)
	}
	for _, tc := range []struct{ env map[string]string }{
		{map[string]string{"BACKUP_DIR": dir, "DATABASE_URL": "mysql://root@127.0.0.1:3306/x"}},
		{map[string]string{"BACKUP_DIR": dir, "BACKUP_EVERY": "10s"}},
		{map[string]string{"BACKUP_DIR": dir, "BACKUP_KEEP": "0"}},
	} {
		if _, err := loadConfig(nil, func(k string) string { return tc.env[k] }, io.Discard); err == nil || !strings.Contains(err.Error(), "BACKUP_") {
			t.Errorf("%v: %v; want an error naming the setting", tc.env, err)
		}
	}
}

// TestAMySQLDumpRestoresIntoANewDatabaseThatAnswersTheSameReads: the README's
// MySQL backup (mariadb-dump --single-transaction) restored into a new database
// answers the same reads as the original.
func TestAMySQLDumpRestoresIntoANewDatabaseThatAnswersTheSameReads(t *testing.T) {
	dsn := os.Getenv("TEST_MYSQL_DSN")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("TEST_MYSQL_DSN is required in CI")
		}
		t.Skip("needs TEST_MYSQL_DSN")
	}
	dump, err := exec.LookPath("mariadb-dump")
	if err != nil {
		t.Fatalf("mariadb-dump: %v (install mariadb-client)", err)
	}
	original := storetest.OpenMySQL(t, dsn)
	fillForBackup(t, original)
	from, to := mysqlConfig(t, storetest.URL(original)), mysqlConfig(t, storetest.CreateMySQL(t, dsn))
	file := filepath.Join(t.TempDir(), "dump.sql")
	cmd := exec.Command(dump, append(mysqlArgs(from), "--single-transaction", "--routines", "--triggers", "--result-file="+file, from.DBName)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-dump: %v\n%s", err, out)
	}
	load := exec.Command("mariadb", append(mysqlArgs(to), to.DBName)...)
	in, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	load.Stdin = in
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("mariadb < dump: %v\n%s", err, out)
	}
	restored, err := store.Open(context.Background(), to.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if pending, err := restored.HasPendingMigrations(context.Background()); err != nil || pending {
		t.Fatalf("the restored database lacks migrations: %v %v", pending, err)
	}
	for _, query := range []string{
		`{ courses(first: 50) { totalCount edges { node { slug title fee { formatted } schedules { seatsLeft batch { name } } } } } }`,
		`{ articles(first: 50) { totalCount edges { node { slug title author { name } tags { slug } commentCount } } } }`,
		`{ batches { name startTime schedules { course { title } } } }`,
		`{ search(query: "excel") { __typename ... on Course { title } ... on Article { title } } }`,
	} {
		want := answer(t, original, query)
		if strings.Contains(want, `"errors"`) || !strings.Contains(want, "Excel") {
			t.Fatalf("%s\nthe original answers %s; want the fixture's rows, with no error", query, want)
		}
		if got := answer(t, restored, query); got != want {
			t.Errorf("%s\nrestored %s\noriginal %s", query, got, want)
		}
	}
}

// fillForBackup writes a small catalogue and blog into st whose parents differ:
// two courses (one about Excel) each scheduled in its own batch, and two
// authors' published articles (one about Excel) with tags and an approved
// comment each.
func fillForBackup(t *testing.T, st *store.Store) {
	t.Helper()
	storetest.CreateCentre(t, st)
	morning := storetest.CreateBatch(t, st)
	evening := storetest.CreateBatch(t, st, func(b *models.Batch) { b.StartTime, b.EndTime, b.Period = 18*60, 19*60+30, models.Evening })
	excel := storetest.CreateCourse(t, st, func(c *models.Course) { c.Title, c.Slug = "Advanced Excel", "advanced-excel" })
	storetest.CreateSchedule(t, st, excel, morning)
	storetest.CreateSchedule(t, st, storetest.CreateCourse(t, st, func(c *models.Course) { c.FeeAmount = 1250000 }), evening)
	svc, err := service.New(st, service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, title := range []string{"Excel shortcuts", "Working in an office"} {
		author, err := svc.CreateUser(auth.AsSystem(ctx), models.UserInput{
			Name: ptr(fmt.Sprintf("Author %d", i)), Email: ptr(fmt.Sprintf("author%d@example.com", i)), Role: ptr(models.RoleEditor)}, "a long enough password")
		if err != nil {
			t.Fatal(err)
		}
		as := auth.WithUser(ctx, author)
		a, err := svc.CreateArticle(as, models.ArticleInput{Title: ptr(title), Body: ptr("Some words about " + title + "."), Tags: []string{"Office", fmt.Sprintf("Tag %d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.PublishArticle(as, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		c, err := svc.PostComment(ctx, models.CommentInput{ArticleID: a.ID, AuthorName: "Rina", AuthorEmail: "rina@example.com", Body: fmt.Sprintf("Thanks for article %d.", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ModerateComment(as, c.ID, models.CommentApproved); err != nil {
			t.Fatal(err)
		}
	}
}

func mysqlConfig(t *testing.T, url string) *mysql.Config {
	t.Helper()
	_, driverDSN, err := store.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mysql.ParseDSN(driverDSN)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func mysqlArgs(cfg *mysql.Config) []string {
	host, port, _ := strings.Cut(cfg.Addr, ":")
	args := []string{"--host=" + host, "--user=" + cfg.User}
	if port != "" {
		args = append(args, "--port="+port)
	}
	if cfg.Passwd != "" {
		args = append(args, "--password="+cfg.Passwd)
	}
	return args
}

// answer runs query anonymously against st and returns the response body.
func answer(t *testing.T, st *store.Store, query string) string {
	t.Helper()
	svc, err := service.New(st, service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	log, _ := logging.New(io.Discard, "json", 0)
	h := gqlserver.NewHandler(svc, log, gqlserver.HandlerOptions{})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":`+jsonString(query)+`}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.String()
}

// TestRetentionSettingsDefaultToTwoYearsAMonthAndAYearAndTakeOff: the defaults,
// days and durations, off, and a refusal that names the setting.
func TestRetentionSettingsDefaultToTwoYearsAMonthAndAYearAndTakeOff(t *testing.T) {
	c, err := loadConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := (models.Retention{Enquiries: 730 * 24 * time.Hour, ClientIPs: 30 * 24 * time.Hour, CommentEmails: 365 * 24 * time.Hour}); c.Retention != want {
		t.Errorf("defaults %+v; want %+v", c.Retention, want)
	}
	env := map[string]string{"ENQUIRY_RETENTION": "off", "CLIENT_IP_RETENTION": "72h", "COMMENT_EMAIL_RETENTION": "90d"}
	if c, err = loadConfig(nil, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatal(err)
	}
	if want := (models.Retention{ClientIPs: 72 * time.Hour, CommentEmails: 90 * 24 * time.Hour}); c.Retention != want {
		t.Errorf("set %+v; want %+v", c.Retention, want)
	}
	for _, bad := range []string{"two years", "0d", "10m"} {
		_, err := loadConfig(nil, func(k string) string { return map[string]string{"CLIENT_IP_RETENTION": bad}[k] }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "CLIENT_IP_RETENTION") {
			t.Errorf("CLIENT_IP_RETENTION=%q: %v; want an error naming it", bad, err)
		}
	}
}

// TestTheServerAppliesRetentionOnItsOwn: the server's retention loop makes a
// pass as it starts (then every interval) and logs its counts, never the data.
func TestTheServerAppliesRetentionOnItsOwn(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "coursegraph.db")}
	st := migratedStore(t, env)
	var later time.Time // zero: the real clock
	svc, err := service.New(st, service.Options{BcryptCost: 4, CommentsPerAddress: service.Limit{Burst: -1}, Clock: func() time.Time {
		if later.IsZero() {
			return store.Now()
		}
		return later
	}})
	if err != nil {
		t.Fatal(err)
	}
	editor, err := svc.CreateUser(auth.AsSystem(context.Background()), models.UserInput{
		Name: ptr("Editor"), Email: ptr("editor@example.com"), Role: ptr(models.RoleEditor)}, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	as := auth.WithUser(context.Background(), editor)
	a, err := svc.CreateArticle(as, models.ArticleInput{Title: ptr("Open day"), Body: ptr("Come along.")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PublishArticle(as, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PostComment(context.Background(), models.CommentInput{ArticleID: a.ID, AuthorName: "Rina", AuthorEmail: "rina@example.com", Body: "See you."}); err != nil {
		t.Fatal(err)
	}
	later = time.Now().Add(400 * 24 * time.Hour)
	logs := &syncBuffer{}
	log, _ := logging.New(logs, "text", slog.LevelInfo)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		applyRetention(ctx, svc, models.Retention{CommentEmails: 365 * 24 * time.Hour}, log, time.Hour)
	}()
	apitest.WaitFor(t, "the first pass", func() bool { return strings.Contains(logs.String(), "retention of personal data") })
	cancel()
	<-done
	if line := logs.String(); !strings.Contains(line, "comment_emails=1") || strings.Contains(line, "rina") {
		t.Errorf("log: %s", line)
	}
}

func ptr[T any](v T) *T { return &v }

// migratedStore migrates the database of env with the migrate command and opens
// it, closed when the test ends.
func migratedStore(t *testing.T, env map[string]string) *store.Store {
	t.Helper()
	if _, err := runCommand(t, env, "migrate"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
