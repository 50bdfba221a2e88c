// Command dataset fills a MySQL (MariaDB) database with a deterministic benchmark
// dataset: the schema comes from the product's own migrations (store.Migrate) and
// every derived column is written as the product writes it on create (HTML, table
// of contents, FAQs and reading time from the markdown package; slugs from
// models.Slugify; enquiry fingerprints from models). The same flags always give the
// same rows, ids included.
//
//	go run ./bench/dataset -fresh                  # 1,000 articles, 50 courses, 200 enquiries
//	go run ./bench/dataset -fresh -scale 10        # ten times the articles, courses and enquiries
//	go run ./bench/dataset -fresh -large           # 100,000 articles, 1,000,000 comments, ...
//
// Rows are loaded with multi-row INSERTs in transactions. It talks to loopback
// addresses only, and -fresh drops only a database whose name contains "bench".
// It may import models, store and markdown (read-only).
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"time"

	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/store"

	"github.com/go-sql-driver/mysql"
)

// DefaultDSN is the benchmark database.
const DefaultDSN = "mysql://root@127.0.0.1:3306/coursegraph_bench"

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "dataset:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dataset", flag.ContinueOnError)
	dsn := fs.String("dsn", DefaultDSN, "the database, as coursegraph's DATABASE_URL (mysql:// or a Go MySQL DSN); loopback only")
	scale := fs.Int("scale", 1, "multiply articles, courses and enquiries by this")
	large := fs.Bool("large", false, "100,000 articles (1,000,000 comments), 500 courses, 100,000 enquiries")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same rows")
	fresh := fs.Bool("fresh", false, "drop and recreate the database first (its name must contain \"bench\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *scale < 1 {
		return fmt.Errorf("-scale must be at least 1, not %d", *scale)
	}
	size := DefaultSize
	if *large {
		size = LargeSize
	}
	size = size.Scaled(*scale)

	cfg, err := mysqlConfig(*dsn)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := createDatabase(ctx, cfg, *fresh); err != nil {
		return err
	}
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := st.SaveCentre(ctx, centre()); err != nil {
		return err
	}

	cfg.InterpolateParams = true // one round trip per multi-row INSERT
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	// The rows are consistent by construction; checking each key while loading only
	// slows the load. The settings last for this session only.
	if _, err := conn.ExecContext(ctx, "SET SESSION foreign_key_checks = 0, SESSION unique_checks = 0"); err != nil {
		return fmt.Errorf("session settings: %w", err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM articles").Scan(&n); err != nil {
		return fmt.Errorf("count articles: %w", err)
	}
	if n > 0 {
		return errors.New("the database already has articles: pass -fresh to drop and recreate it")
	}
	l := &loader{conn: conn}
	if err := load(ctx, l, newGen(*seed, size)); err != nil {
		return err
	}
	fmt.Printf("dataset: %s: %d articles, %d comments, %d courses, %d schedules, %d enquiries, %d notes in %s\n",
		cfg.DBName, size.Articles, l.counts["comments"], size.Courses, l.counts["schedules"], size.Enquiries,
		l.counts["enquiry_notes"], time.Since(start).Round(time.Millisecond))
	fmt.Printf("dataset: staff sign-in for the inbox: %s / %s (bench-only)\n", StaffEmail, StaffPassword)
	return nil
}

// mysqlConfig reads a DATABASE_URL the way the server does and checks that it names
// a database on a loopback address.
func mysqlConfig(url string) (*mysql.Config, error) {
	dialect, dsn, err := store.ParseURL(url)
	if err != nil {
		return nil, err
	}
	if dialect != store.MySQL {
		return nil, errors.New("-dsn must name a MySQL database")
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		host = cfg.Addr
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-dsn must name a loopback address, not %q", cfg.Addr)
	}
	if cfg.DBName == "" {
		return nil, errors.New("-dsn must name a database")
	}
	return cfg, nil
}

func createDatabase(ctx context.Context, cfg *mysql.Config, fresh bool) error {
	server := *cfg
	server.DBName = ""
	db, err := sql.Open("mysql", server.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	name := strings.ReplaceAll(cfg.DBName, "`", "``")
	if fresh {
		if !strings.Contains(cfg.DBName, "bench") {
			return fmt.Errorf("-fresh drops only databases whose name contains \"bench\", not %q", cfg.DBName)
		}
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			return fmt.Errorf("drop database: %w", err)
		}
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return nil
}

func centre() *models.Centre {
	return &models.Centre{
		Name:     "Benchmark Computer Training Centre",
		Address:  []string{"House 1, Road 1", "Dhaka-1216", "Bangladesh"},
		Phone:    "+880 1700-000000",
		Email:    "hello@bench.example",
		Timezone: "Asia/Dhaka",
		Currency: "BDT",
		Links:    []models.CentreLink{{Label: "Blog", URL: "https://blog.bench.example"}},
	}
}

// load writes every table, parents first.
func load(ctx context.Context, l *loader, g gen) error {
	hasher, err := auth.NewPasswords(10)
	if err != nil {
		return err
	}
	staffHash, err := hasher.Hash(StaffPassword)
	if err != nil {
		return err
	}
	users := l.table("users", "id", "name", "email", "role", "bio", "avatar_url", "active", "password_hash", "created_at", "updated_at")
	for _, u := range g.users {
		hash := ""
		if u.Email == StaffEmail {
			hash = staffHash
		}
		if err := users.add(ctx, u.ID, u.Name, u.Email, u.Role, u.Bio, u.AvatarURL, true, hash, u.CreatedAt, u.CreatedAt); err != nil {
			return err
		}
	}
	tags := l.table("tags", "id", "slug", "name")
	for _, t := range g.Tags() {
		if err := tags.add(ctx, t.ID, t.Slug, t.Name); err != nil {
			return err
		}
	}
	batches := l.table("batches", "id", "name", "ordinal", "start_minutes", "end_minutes", "period")
	for _, b := range g.Batches() {
		if err := batches.add(ctx, b.ID, b.Name, b.Ordinal, b.StartMin, b.EndMin, b.Period); err != nil {
			return err
		}
	}
	courses := l.table("courses", "id", "slug", "title", "summary", "description", "category", "topics",
		"duration_months", "sessions_per_week", "weekdays", "fee_amount", "fee_currency", "active", "created_at", "updated_at")
	schedules := l.table("schedules", "id", "course_id", "batch_id", "weekdays", "starts_on", "capacity", "seats_taken",
		"closed", "created_at", "updated_at")
	for i := range g.size.Courses {
		c := g.Course(i)
		if err := courses.add(ctx, c.ID, c.Slug, c.Title, c.Summary, c.Description, c.Category, c.Topics,
			c.DurationMonths, c.SessionsPerWeek, uint8(c.Weekdays), c.FeeAmount, "BDT", true, c.CreatedAt, c.UpdatedAt); err != nil {
			return err
		}
		for _, s := range g.Schedules(c) {
			if err := schedules.add(ctx, s.ID, s.CourseID, s.BatchID, uint8(s.Weekdays), s.StartsOn, s.Capacity,
				s.SeatsTaken, s.Closed, s.CreatedAt, s.CreatedAt); err != nil {
				return err
			}
		}
	}
	if err := l.flush(ctx); err != nil {
		return err
	}
	if err := loadArticles(ctx, l, g); err != nil {
		return err
	}
	enquiries := l.table("enquiries", "id", "name", "email", "phone", "message", "course_id", "schedule_id", "status",
		"assignee_id", "version", "client_ip", "fingerprint", "idempotency_key", "created_at", "updated_at")
	notes := l.table("enquiry_notes", "id", "enquiry_id", "author_id", "body", "created_at")
	var nextNote uint
	for i := range g.size.Enquiries {
		e := g.Enquiry(i, &nextNote)
		if err := enquiries.add(ctx, e.ID, e.Name, e.Email, e.Phone, e.Message, e.CourseID, e.ScheduleID, e.Status,
			e.AssigneeID, e.Version, e.ClientIP, e.Fingerprint, e.IdempotencyKey, e.CreatedAt, e.UpdatedAt); err != nil {
			return err
		}
		for _, n := range e.Notes {
			if err := notes.add(ctx, n.ID, n.EnquiryID, n.AuthorID, n.Body, n.CreatedAt); err != nil {
				return err
			}
		}
	}
	if err := l.flush(ctx); err != nil {
		return err
	}
	// The statistics InnoDB keeps after a bulk load can be stale; the product's
	// query plans should see the real table sizes.
	_, err = l.conn.ExecContext(ctx, "ANALYZE TABLE users, tags, batches, courses, schedules, articles, article_tags, comments, enquiries, enquiry_notes")
	if err != nil {
		return fmt.Errorf("analyze tables: %w", err)
	}
	return nil
}

// loadArticles renders articles in parallel, a chunk at a time, and writes them in
// order with their tags and comments.
func loadArticles(ctx context.Context, l *loader, g gen) error {
	articles := l.table("articles", "id", "slug", "title", "summary", "body", "html", "status", "published_at",
		"author_id", "reading_time_minutes", "toc", "faqs", "created_at", "updated_at")
	articleTags := l.table("article_tags", "article_id", "tag_id")
	comments := l.table("comments", "id", "article_id", "status", "author_name", "author_email", "body", "client_ip", "created_at")
	const chunk = 512
	workers := runtime.GOMAXPROCS(0)
	for from := 0; from < g.size.Articles; from += chunk {
		to := min(from+chunk, g.size.Articles)
		rendered := make([]Article, to-from)
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				for i := from + w; i < to; i += workers {
					a, err := g.Article(i)
					if err != nil {
						errs <- err
						return
					}
					rendered[i-from] = a
				}
				errs <- nil
			}()
		}
		var firstErr error
		for range workers {
			if err := <-errs; err != nil && firstErr == nil {
				firstErr = err
			}
		}
		if firstErr != nil {
			return firstErr
		}
		for k, a := range rendered {
			if err := articles.add(ctx, a.ID, a.Slug, a.Title, a.Summary, a.Body, a.HTML, string(models.ArticlePublished),
				a.PublishedAt, a.AuthorID, a.ReadingTimeMinutes, a.TOC, a.Faqs, a.CreatedAt, a.UpdatedAt); err != nil {
				return err
			}
			for _, t := range a.TagIDs {
				if err := articleTags.add(ctx, a.ID, t); err != nil {
					return err
				}
			}
			for _, c := range g.Comments(from + k) {
				if err := comments.add(ctx, c.ID, c.ArticleID, c.Status, c.AuthorName, c.AuthorEmail, c.Body, c.ClientIP, c.CreatedAt); err != nil {
					return err
				}
			}
		}
	}
	return l.flush(ctx)
}
