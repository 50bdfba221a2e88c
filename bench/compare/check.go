package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"coursegraph/bench/internal/benchproc"
	"coursegraph/bench/scenario"
	"coursegraph/models"
)

var scenarioNames = map[string]string{
	"q1": "Q1 list page (20 articles)",
	"q2": "Q2 catalogue (50 courses)",
	"q3": "Q3 article by slug",
	"q4": "Q4 list page after 900",
	"q5": "Q5 submitEnquiry",
	"q6": "Q6 staff inbox (50)",
	// Through the response cache (a second coursegraph with RESPONSE_CACHE=on),
	// warm; the rest run with RESPONSE_CACHE=off.
	"q1c": "Q1 list page, cached (warm)",
	"q2c": "Q2 catalogue, cached (warm)",
	"q3c": "Q3 article by slug, cached (warm)",
	// mixed: one write per 100 reads, every read checked (not a wrk scenario).
	"mixed": "Mixed: Q1-Q3 reads, 1 write per 100, cached",
}

// cached reports whether a scenario runs through the response cache.
func cached(sc string) bool { return strings.HasSuffix(sc, "c") }

// fixture is what the scenarios need from the dataset.
type fixture struct {
	token   string      // a STAFF session, for Q6
	slug    string      // Q3's article
	after   string      // Q4's cursor: the 900th newest article's
	targets [][2]string // Q5's (courseId, scheduleId) pairs
}

func gid(kind string, id uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatUint(id, 10)))
}

func fixtures(ctx context.Context, db *sql.DB, cg *benchproc.Server) (*fixture, error) {
	f := &fixture{}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM articles").Scan(&n); err != nil {
		return nil, fmt.Errorf("count articles: %w", err)
	}
	if n < 921 {
		return nil, fmt.Errorf("the dataset has %d articles; Q4 needs at least 921", n)
	}
	if err := db.QueryRowContext(ctx, "SELECT slug FROM articles WHERE id = ?", n/2).Scan(&f.slug); err != nil {
		return nil, fmt.Errorf("find Q3's article: %w", err)
	}
	// The cursor is encoded as coursegraph encodes it (models.Cursor); Q4 checks
	// that coursegraph accepts it and answers the same page as the baseline.
	var id uint
	var at time.Time
	err := db.QueryRowContext(ctx, `SELECT id, published_at FROM articles WHERE status = 'PUBLISHED' AND published_at <= ?
		ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET 899`, time.Now().UTC()).Scan(&id, &at)
	if err != nil {
		return nil, fmt.Errorf("find Q4's cursor: %w", err)
	}
	f.after = models.Cursor{Order: "article:PUBLISHED:DESC", Key: at.UTC().Format(time.RFC3339), ID: id}.Encode()
	rows, err := db.QueryContext(ctx, "SELECT id, course_id FROM schedules ORDER BY id LIMIT 200")
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	for rows.Next() {
		var sid, cid uint64
		if err := rows.Scan(&sid, &cid); err != nil {
			rows.Close()
			return nil, err
		}
		if sid%3 == 0 { // every third without a course, to vary the work
			f.targets = append(f.targets, [2]string{"", ""})
			continue
		}
		f.targets = append(f.targets, [2]string{gid("Course", cid), gid("Schedule", sid)})
	}
	rows.Close()
	if len(f.targets) == 0 {
		return nil, fmt.Errorf("the dataset has no schedules")
	}
	var login struct {
		Data struct {
			Login struct{ Token string } `json:"login"`
		} `json:"data"`
	}
	body, err := benchproc.Post(ctx, client, cg.URL, "", benchproc.RequestBody(scenario.Login, map[string]any{"email": staffEmail, "password": staffPassword}))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &login); err != nil || login.Data.Login.Token == "" {
		return nil, fmt.Errorf("sign in as %s: %s", staffEmail, body)
	}
	f.token = login.Data.Login.Token
	return f, nil
}

// request returns the body and bearer token of one request of a scenario; q5's
// input is made unique by tag.
func (f *fixture) request(sc, tag string, n int) ([]byte, string) {
	switch strings.TrimSuffix(sc, "c") {
	case "q1":
		return benchproc.RequestBody(scenario.ArticlesPage, nil), ""
	case "q2":
		return benchproc.RequestBody(scenario.Catalogue, nil), ""
	case "q3":
		return benchproc.RequestBody(scenario.ArticleBySlug, map[string]any{"slug": f.slug}), ""
	case "q4":
		return benchproc.RequestBody(scenario.ArticlesPage, map[string]any{"after": f.after}), ""
	case "q5":
		return benchproc.RequestBody(scenario.SubmitEnquiry, map[string]any{"input": f.enquiry(tag, n)}), ""
	default:
		return benchproc.RequestBody(scenario.Inbox, nil), f.token
	}
}

func (f *fixture) enquiry(tag string, n int) map[string]any {
	in := map[string]any{
		"name":    "Load Visitor " + strconv.Itoa(n),
		"email":   fmt.Sprintf("visitor-%s-%d@%s", tag, n, loadDomain),
		"phone":   "01785 474 006",
		"message": fmt.Sprintf("Hello, message %s-%d: which batches of this course have seats next month, and what is the fee?", tag, n),
	}
	if t := f.targets[n%len(f.targets)]; t[0] != "" {
		in["courseId"], in["scheduleId"] = t[0], t[1]
	}
	return in
}

var client = &http.Client{Timeout: 30 * time.Second}

// answer posts and decodes the JSON; an answer with errors is an error.
func answer(ctx context.Context, s *benchproc.Server, body []byte, token string) (map[string]any, []byte, error) {
	b, err := benchproc.Post(ctx, client, s.URL, token, body)
	if err != nil {
		return nil, b, fmt.Errorf("%s: %w", s.Name, err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, b, fmt.Errorf("%s answered no JSON: %.300s", s.Name, b)
	}
	if _, bad := v["errors"]; bad || v["data"] == nil {
		return nil, b, fmt.Errorf("%s answered with errors: %.500s", s.Name, b)
	}
	return v, b, nil
}

// checkSame fails unless both servers give the same JSON (after decoding) for
// every read scenario, and write the same enquiry row for Q5.
func checkSame(ctx context.Context, db *sql.DB, raw, cg *benchproc.Server, f *fixture, dir string) error {
	for _, sc := range []string{"q1", "q2", "q3", "q4", "q6"} {
		body, token := f.request(sc, "check", 0)
		a, ab, err := answer(ctx, raw, body, token)
		if err != nil {
			return err
		}
		b, bb, err := answer(ctx, cg, body, token)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(a, b) {
			pa, pb := filepath.Join(dir, sc+".raw.json"), filepath.Join(dir, sc+".coursegraph.json")
			_ = os.WriteFile(pa, indent(ab), 0o644)
			_ = os.WriteFile(pb, indent(bb), 0o644)
			return fmt.Errorf("MISMATCH in %s: raw and coursegraph answer differently; compare %s and %s (run with -keep to keep them): %s",
				scenarioNames[sc], pa, pb, firstDifference(a, b, "$"))
		}
	}
	// Q5: the same input to each server in turn; both rows must match but for
	// their ids and times.
	body, _ := f.request("q5", fmt.Sprintf("check%d", time.Now().UnixNano()), 1)
	var rows [2]map[string]any
	for i, s := range []*benchproc.Server{cg, raw} {
		v, b, err := answer(ctx, s, body, "")
		if err != nil {
			return err
		}
		id, ok := enquiryKey(v)
		if !ok {
			return fmt.Errorf("%s: submitEnquiry answered no enquiry id: %s", s.Name, b)
		}
		if rows[i], err = enquiryRow(ctx, db, id); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		if _, err := db.ExecContext(ctx, "DELETE FROM enquiries WHERE id = ?", id); err != nil {
			return err
		}
	}
	if !reflect.DeepEqual(rows[0], rows[1]) {
		return fmt.Errorf("MISMATCH in Q5: coursegraph wrote %v, raw wrote %v", rows[0], rows[1])
	}
	return nil
}

func enquiryKey(v map[string]any) (uint64, bool) {
	data, _ := v["data"].(map[string]any)
	r, _ := data["submitEnquiry"].(map[string]any)
	id, _ := r["id"].(string)
	at, _ := r["receivedAt"].(string)
	if _, err := time.Parse(time.RFC3339, at); err != nil {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return 0, false
	}
	key, ok := strings.CutPrefix(string(b), "Enquiry:")
	n, err := strconv.ParseUint(key, 10, 64)
	return n, ok && err == nil
}

// enquiryRow reads every column of an enquiry but its id and times.
func enquiryRow(ctx context.Context, db *sql.DB, id uint64) (map[string]any, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM enquiries WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return nil, fmt.Errorf("enquiry %d was not written", id)
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for i, c := range cols {
		switch c {
		case "id", "created_at", "updated_at":
		default:
			if vals[i] == nil {
				out[c] = nil
			} else {
				out[c] = string(vals[i])
			}
		}
	}
	return out, rows.Err()
}

func indent(b []byte) []byte {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return b
	}
	return out.Bytes()
}

// firstDifference names the first path at which two decoded JSON values differ.
func firstDifference(a, b any, path string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path + ": object vs non-object"
		}
		for k := range x {
			if _, ok := y[k]; !ok {
				return path + "." + k + ": missing from coursegraph"
			}
			if !reflect.DeepEqual(x[k], y[k]) {
				return firstDifference(x[k], y[k], path+"."+k)
			}
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				return path + "." + k + ": missing from raw"
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			return path + ": list vs non-list"
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s: %d items (raw) vs %d (coursegraph)", path, len(x), len(y))
		}
		for i := range x {
			if !reflect.DeepEqual(x[i], y[i]) {
				return firstDifference(x[i], y[i], fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	return fmt.Sprintf("%s: %.200v (raw) vs %.200v (coursegraph)", path, a, b)
}

// dbDelta is MariaDB's work per request, from global status counters.
type dbDelta struct {
	requests     int
	statements   float64 // Questions: COM_QUERY and COM_STMT_EXECUTE (BEGIN and COMMIT included)
	prepares     float64 // COM_STMT_PREPARE: another round trip each
	roundTrips   float64 // statements + prepares
	tmpTables    float64
	tmpDiskTable float64
	connections  float64
}

var statusNames = []string{"Questions", "Com_stmt_prepare", "Created_tmp_tables", "Created_tmp_disk_tables", "Connections"}

func globalStatus(ctx context.Context, db *sql.DB) (map[string]float64, error) {
	rows, err := db.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN ('"+strings.Join(statusNames, "','")+"')")
	if err != nil {
		return nil, fmt.Errorf("read global status: %w", err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, err
		}
		out[name], _ = strconv.ParseFloat(value, 64)
	}
	return out, rows.Err()
}

// statusOverhead is what reading the status itself adds to the counters.
func statusOverhead(ctx context.Context, db *sql.DB) (map[string]float64, error) {
	a, err := globalStatus(ctx, db)
	if err != nil {
		return nil, err
	}
	b, err := globalStatus(ctx, db)
	if err != nil {
		return nil, err
	}
	for k := range b {
		b[k] -= a[k]
	}
	return b, nil
}

func delta(before, after, overhead map[string]float64, requests int) dbDelta {
	d := func(k string) float64 {
		return max(after[k]-before[k]-overhead[k], 0) / float64(max(requests, 1))
	}
	out := dbDelta{
		requests: requests, statements: d("Questions"), prepares: d("Com_stmt_prepare"),
		tmpTables: d("Created_tmp_tables"), tmpDiskTable: d("Created_tmp_disk_tables"), connections: d("Connections"),
	}
	out.roundTrips = out.statements + out.prepares
	return out
}

// countStatements sends n requests of a scenario one at a time, three times, and
// returns the least database work per request seen: other clients of the same
// MariaDB can only add to its global counters.
func countStatements(ctx context.Context, db *sql.DB, s *benchproc.Server, f *fixture, sc string, n int) (dbDelta, error) {
	var best dbDelta
	for i := range 3 {
		d, err := countOnce(ctx, db, s, f, sc, n)
		if err != nil {
			return d, err
		}
		if i == 0 {
			best = d
			continue
		}
		best.statements, best.prepares = min(best.statements, d.statements), min(best.prepares, d.prepares)
		best.roundTrips = min(best.roundTrips, d.roundTrips)
		best.tmpTables, best.tmpDiskTable = min(best.tmpTables, d.tmpTables), min(best.tmpDiskTable, d.tmpDiskTable)
		best.connections = min(best.connections, d.connections)
	}
	return best, nil
}

func countOnce(ctx context.Context, db *sql.DB, s *benchproc.Server, f *fixture, sc string, n int) (dbDelta, error) {
	overhead, err := statusOverhead(ctx, db)
	if err != nil {
		return dbDelta{}, err
	}
	before, err := globalStatus(ctx, db)
	if err != nil {
		return dbDelta{}, err
	}
	tag := fmt.Sprintf("count-%s-%d", s.Name, time.Now().UnixNano())
	for i := range n {
		body, token := f.request(sc, tag, i)
		if _, _, err := answer(ctx, s, body, token); err != nil {
			return dbDelta{}, fmt.Errorf("%s: %w", sc, err)
		}
	}
	after, err := globalStatus(ctx, db)
	if err != nil {
		return dbDelta{}, err
	}
	return delta(before, after, overhead, n), nil
}
