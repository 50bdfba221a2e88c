package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// relevanceArticles is the fixed corpus of the relevance set: articles in Bangla
// and English, each published a day after the one before (the last is a draft).
var relevanceArticles = []struct{ slug, title, summary, body string }{
	{"go-concurrency", "Concurrency in Go", "Goroutines and channels explained.", "Go makes concurrent programs simple. A goroutine is cheap; channels connect goroutines."},
	{"python-data", "Data analysis with Python", "Pandas for beginners.", "Python and pandas read spreadsheets, clean data and draw charts. Excel users will feel at home."},
	{"excel-formulas", "Excel formulas every office needs", "SUM, VLOOKUP and IF.", "Formulas save time in Excel. Office work is faster with them."},
	{"typing-speed", "How to improve your typing speed", "Practice daily.", "Typing fast needs practice: ten minutes a day on the keyboard. Bangla typing with Bijoy comes next."},
	{"বাংলা-টাইপিং", "বাংলা টাইপিং শেখার সহজ উপায়", "প্রতিদিন অনুশীলন করুন।", "কীবোর্ড দেখে নয়, মনে রেখে টাইপ করুন। বিজয় ও অভ্র দুটোই শিখুন। টাইপিং গতি বাড়ে অনুশীলনে।"},
	{"ওয়েব-ডিজাইন-শুরু", "ওয়েব ডিজাইন শুরু করবেন যেভাবে", "এইচটিএমএল ও সিএসএস।", "প্রথমে এইচটিএমএল শিখুন, তারপর সিএসএস। জাভাস্ক্রিপ্ট পরে। ওয়েবসাইট বানাতে অনুশীলন দরকার।"},
	{"গ্রাফিক-ডিজাইনে-ক্যারিয়ার", "গ্রাফিক ডিজাইনে ক্যারিয়ার", "ফটোশপ ও ইলাস্ট্রেটর।", "লোগো, পোস্টার ও ব্যানার বানিয়ে আয় করা যায়। ডিজাইন শেখার জন্য ফটোশপ দিয়ে শুরু করুন।"},
	{"freelancing-guide", "Freelancing: getting your first client", "Marketplaces and portfolios.", "Build a portfolio of web design and graphic design work. Upwork and Fiverr reward good reviews. Freelancing from Bangladesh is growing."},
	{"ফ্রিল্যান্সিং-শুরু", "ফ্রিল্যান্সিং কীভাবে শুরু করবেন", "প্রথম ক্লায়েন্ট পাওয়ার উপায়।", "পোর্টফোলিও বানান। গ্রাফিক ডিজাইন বা ওয়েব ডিজাইন, যেকোনো একটি দক্ষতা ভালোভাবে শিখুন। ফ্রিল্যান্সিং মার্কেটপ্লেসে প্রোফাইল খুলুন।"},
	{"digital-marketing", "Digital marketing on a small budget", "Facebook, YouTube and email.", "Marketing starts with a plan. Search engine optimisation brings visitors; email keeps them. Measure every campaign."},
	{"ডিজিটাল-মার্কেটিং", "ডিজিটাল মার্কেটিং: ফেসবুক বিজ্ঞাপন", "কম খরচে বেশি মানুষের কাছে।", "ফেসবুক ও ইউটিউবে বিজ্ঞাপন দিন। মার্কেটিং পরিকল্পনা লিখে রাখুন। ইমেইল মার্কেটিং ভুলবেন না।"},
	{"computer-basics", "Computer basics for office work", "Files, folders and the internet.", "Learn to use Windows, Word and Excel. Typing is the first skill; the internet the second."},
	{"কম্পিউটার-শিক্ষা", "কম্পিউটার শিক্ষা কেন জরুরি", "অফিস, ব্যবসা ও পড়াশোনায় কম্পিউটার।", "ওয়ার্ড, এক্সেল ও ইন্টারনেট জানলে চাকরি পাওয়া সহজ। কম্পিউটার কোর্স শেষে সনদ দেওয়া হয়।"},
	{"excel-pivot-draft", "Excel pivot tables", "Not yet public.", "Pivot tables summarise Excel data."},
}

// relevanceCourses is the fixed corpus's courses; the last is archived.
var relevanceCourses = []struct {
	slug, title, summary, description, category string
	topics                                      []string
}{
	{"office-applications", "Office Applications", "Word, Excel and PowerPoint for work.", "Typing, documents, spreadsheets and presentations.", "Office", []string{"MS Word", "MS Excel", "PowerPoint"}},
	{"graphic-design", "Graphic Design", "Photoshop and Illustrator.", "Posters, logos and banners for clients.", "Design", []string{"Photoshop", "Illustrator", "Logo design"}},
	{"web-design", "Web Design and Development", "HTML, CSS and JavaScript.", "Build and publish a website.", "Web", []string{"HTML", "CSS", "JavaScript"}},
	{"অফিস-কম্পিউটার", "অফিস কম্পিউটার কোর্স", "বাংলা ও ইংরেজি টাইপিং, ওয়ার্ড, এক্সেল।", "চাকরির জন্য কম্পিউটার দক্ষতা।", "অফিস", []string{"টাইপিং", "এক্সেল"}},
	{"গ্রাফিক-ডিজাইন-কোর্স", "গ্রাফিক ডিজাইন কোর্স", "ফটোশপ ও ইলাস্ট্রেটর শিখুন।", "ফ্রিল্যান্সিং শুরু করার প্রস্তুতি।", "ডিজাইন", []string{"ফটোশপ", "লোগো"}},
	{"digital-marketing-course", "Digital Marketing", "Facebook ads, SEO and email.", "Campaigns for a real business.", "Marketing", []string{"Facebook", "SEO"}},
	{"python-programming", "Python Programming", "From first program to data analysis.", "Variables, loops, functions and files.", "Programming", []string{"Python", "Pandas"}},
	{"excel-2010", "Excel 2010", "Archived.", "Excel as it was.", "Office", []string{"Excel"}},
}

// relevanceSet is the relevance test set: each query with the articles and the
// courses it must find first (a prefix of the results, in order).
var relevanceSet = []struct {
	name, query                 string
	articlesFirst, coursesFirst []string
}{
	{"a title match comes before body matches", "excel", []string{"excel-formulas"}, []string{"office-applications"}},
	{"a word in a title", "typing", []string{"typing-speed"}, []string{"office-applications"}},
	{"a Bangla word in a title and in a course's topics", "টাইপিং", []string{"বাংলা-টাইপিং"}, []string{"অফিস-কম্পিউটার"}},
	{"a Bangla word is not a part of a longer one", "ডিজাইন", []string{"ওয়েব-ডিজাইন-শুরু"}, []string{"গ্রাফিক-ডিজাইন-কোর্স"}},
	{"a title and a topic weigh more than a title alone", "design", []string{"freelancing-guide"}, []string{"graphic-design", "web-design"}},
	{"a title with both words comes first", "graphic design", []string{"freelancing-guide"}, []string{"graphic-design", "web-design"}},
	{"the rarer word of two in titles ranks first", "গ্রাফিক ডিজাইন", []string{"গ্রাফিক-ডিজাইনে-ক্যারিয়ার", "ওয়েব-ডিজাইন-শুরু", "ফ্রিল্যান্সিং-শুরু"}, []string{"গ্রাফিক-ডিজাইন-কোর্স"}},
	{"a Bangla title, and a course's description", "ফ্রিল্যান্সিং", []string{"ফ্রিল্যান্সিং-শুরু"}, []string{"গ্রাফিক-ডিজাইন-কোর্স"}},
	{"an English title", "freelancing", []string{"freelancing-guide"}, nil},
	{"a title, and a course's title", "marketing", []string{"digital-marketing"}, []string{"digital-marketing-course"}},
	{"a Bangla title over a body", "মার্কেটিং", []string{"ডিজিটাল-মার্কেটিং"}, nil},
	{"a summary, and a course's summary and topics", "facebook", []string{"digital-marketing"}, []string{"digital-marketing-course"}},
	{"two Bangla words in one title", "ফেসবুক বিজ্ঞাপন", []string{"ডিজিটাল-মার্কেটিং"}, nil},
	{"a word in article and course titles", "python", []string{"python-data"}, []string{"python-programming"}},
	{"an English word of two letters", "go", []string{"go-concurrency"}, nil},
	{"a Bangla word in titles of both kinds", "কম্পিউটার", []string{"কম্পিউটার-শিক্ষা"}, []string{"অফিস-কম্পিউটার"}},
	{"an English title", "computer", []string{"computer-basics"}, nil},
	{"a Bangla word in a body, and a course's summary and topics", "এক্সেল", []string{"কম্পিউটার-শিক্ষা"}, []string{"অফিস-কম্পিউটার"}},
	{"a search typed in NFD", nfd("কম্পিউটার শিক্ষা"), []string{"কম্পিউটার-শিক্ষা"}, []string{"অফিস-কম্পিউটার"}},
	{"capitals find lower case", "HTML", nil, []string{"web-design"}},
	{"a Bangla word in a summary and a body", "এইচটিএমএল", []string{"ওয়েব-ডিজাইন-শুরু"}, nil},
	{"a course's topic", "logo", nil, []string{"graphic-design"}},
	{"a Bangla summary and body, and a course's topics", "ফটোশপ", []string{"গ্রাফিক-ডিজাইনে-ক্যারিয়ার"}, []string{"গ্রাফিক-ডিজাইন-কোর্স"}},
	{"a draft and an archived course are never found", "excel pivot 2010", []string{"excel-formulas"}, []string{"office-applications"}},
	{"the title with more weight in its body comes first of two", "office", []string{"excel-formulas", "computer-basics"}, []string{"office-applications"}},
	{"a word in nothing", "chemistry", nil, nil},
	{"punctuation only", "*?!", nil, nil},
}

func nfd(s string) string { return norm.NFD.String(s) }

// TestSearchAnswersTheRelevanceSetIdenticallyOnEveryEngine builds the fixed
// corpus on each engine and asks every query of the relevance set: each finds its
// expected results first, and every engine answers every query with the same
// results in the same order.
func TestSearchAnswersTheRelevanceSetIdenticallyOnEveryEngine(t *testing.T) {
	var mu sync.Mutex
	answers := map[string]map[string]string{} // engine -> query -> results
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		buildRelevanceCorpus(t, s)
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		got := map[string]string{}
		for _, q := range relevanceSet {
			t.Run(q.name, func(t *testing.T) {
				as, cs := searchSlugs(t, s, q.query, now)
				if diff := cmp.Diff(q.articlesFirst, as[:min(len(as), len(q.articlesFirst))]); diff != "" || (len(q.articlesFirst) == 0 && len(as) > 0) {
					t.Errorf("articles for %q = %q; want first %q", q.query, as, q.articlesFirst)
				}
				if diff := cmp.Diff(q.coursesFirst, cs[:min(len(cs), len(q.coursesFirst))]); diff != "" || (len(q.coursesFirst) == 0 && len(cs) > 0) {
					t.Errorf("courses for %q = %q; want first %q", q.query, cs, q.coursesFirst)
				}
				got[q.query] = strings.Join(as, " ") + " | " + strings.Join(cs, " ")
			})
		}
		mu.Lock()
		answers[engineName(t)] = got
		mu.Unlock()
	})
	if answers["sqlite"] == nil { // TEST_ENGINE ran another engine alone: SQLite is the reference
		answers["sqlite"] = relevanceAnswers(t, storetest.OpenSQLite(t))
	}
	for engine, got := range answers {
		if diff := cmp.Diff(answers["sqlite"], got); diff != "" {
			t.Errorf("%s answers differently from SQLite (-sqlite +%s):\n%s", engine, engine, diff)
		}
	}
}

// searchSlugs returns the slugs of the articles (published at now) and the
// courses query finds in s, best first, 50 of each at most.
func searchSlugs(t *testing.T, s *store.Store, query string, now time.Time) (articles, courses []string) {
	t.Helper()
	ctx := context.Background()
	as, err := s.SearchArticles(ctx, query, now, 50)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.SearchCourses(ctx, query, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		articles = append(articles, a.Slug)
	}
	for _, c := range cs {
		courses = append(courses, c.Slug)
	}
	return articles, courses
}

// relevanceAnswers builds the corpus in s and returns every query's results.
func relevanceAnswers(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	buildRelevanceCorpus(t, s)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	got := map[string]string{}
	for _, q := range relevanceSet {
		as, cs := searchSlugs(t, s, q.query, now)
		got[q.query] = strings.Join(as, " ") + " | " + strings.Join(cs, " ")
	}
	return got
}

// engineName is the engine subtest's name: "sqlite", "mysql" or "tidb".
func engineName(t *testing.T) string {
	name := t.Name()
	return name[strings.LastIndex(name, "/")+1:]
}

func buildRelevanceCorpus(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	u := &models.User{Name: "Author", Email: "relevance@example.com", Role: models.RoleEditor, Active: true, PasswordHash: "x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	for i, f := range relevanceArticles {
		at := day.AddDate(0, 0, i)
		a := &models.Article{Slug: f.slug, Title: f.title, Summary: f.summary, Body: f.body, Status: models.ArticlePublished, PublishedAt: &at, AuthorID: u.ID}
		if i == len(relevanceArticles)-1 {
			a.Status, a.PublishedAt = models.ArticleDraft, nil
		}
		if err := s.WithTx(ctx, func(tx *store.Store) error { return tx.CreateArticle(ctx, a) }); err != nil {
			t.Fatalf("create article %s: %v", f.slug, err)
		}
	}
	for i, f := range relevanceCourses {
		storetest.CreateCourse(t, s, func(c *models.Course) {
			c.Slug, c.Title, c.Summary, c.Description, c.Category, c.Topics = f.slug, f.title, f.summary, f.description, f.category, f.topics
			c.Active = i != len(relevanceCourses)-1
		})
	}
}

// TestSearchFollowsEveryWriteOfADocument: an article's or a course's words are
// searchable from its creation, follow each change, and go with the article.
func TestSearchFollowsEveryWriteOfADocument(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		u := &models.User{Name: "Author", Email: "follow@example.com", Role: models.RoleEditor, Active: true, PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		at := now.Add(-time.Hour)
		a := &models.Article{Slug: "kingfisher", Title: "Kingfisher", Summary: "", Body: "A blue bird.", Status: models.ArticlePublished, PublishedAt: &at, AuthorID: u.ID}
		if err := s.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		c := storetest.CreateCourse(t, s, func(c *models.Course) { c.Title = "Pottery" })
		find := func(q string) string {
			articles, err := s.SearchArticles(ctx, q, now, 10)
			if err != nil {
				t.Fatal(err)
			}
			courses, err := s.SearchCourses(ctx, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%d articles, %d courses", len(articles), len(courses))
		}
		for _, step := range []struct {
			name, query, want string
			change            func() error
		}{
			{"a new article", "kingfisher", "1 articles, 0 courses", nil},
			{"a new course", "pottery", "0 articles, 1 courses", nil},
			{"an article's old word after a change", "blue", "0 articles, 0 courses", func() error {
				a.Body = "A green bird."
				return s.SaveArticle(ctx, a)
			}},
			{"an article's new word", "green", "1 articles, 0 courses", nil},
			{"a course's old word after a change", "pottery", "0 articles, 0 courses", func() error {
				c.Title = "Ceramics"
				return s.SaveCourse(ctx, c)
			}},
			{"a course's new word", "ceramics", "0 articles, 1 courses", nil},
			{"a deleted article", "kingfisher", "0 articles, 0 courses", func() error { return s.DeleteArticle(ctx, a.ID) }},
		} {
			if step.change != nil {
				if err := step.change(); err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
			}
			if got := find(step.query); got != step.want {
				t.Errorf("%s: search %q found %s; want %s", step.name, step.query, got, step.want)
			}
		}
	})
}
