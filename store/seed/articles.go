package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"coursegraph/markdown"
	"coursegraph/models"
	"coursegraph/store"
)

// The blog's demo data: four articles on the topics, titles and dates of the seed
// documents, with the centre's own prose, and one in Bangla on the centre's Bangla
// typing lessons; two authors; some tags and comments.
// Authors are staff accounts with no password: they cannot sign in until an admin
// gives them one.

type seededAuthor struct {
	email, name, bio string
}

var authors = []seededAuthor{
	{"farhana@lakeside-training.example", "Farhana Akter", "Teaches web design and back-end basics at the centre. Likes clean HTML, small servers and good coffee."},
	{"tanvir@lakeside-training.example", "Tanvir Hasan", "Runs the centre's evening batches and writes about careers in IT for first-time learners."},
}

type seededComment struct {
	name, email, body string
	status            models.CommentStatus
}

// seededArticle is an article of the demo blog; an empty slug is made from the
// title, as the API makes it.
type seededArticle struct {
	slug, title, summary, author, date string
	tags                               []string
	body                               string
	comments                           []seededComment
}

func seedAuthors(ctx context.Context, tx *store.Store) (map[string]uint, error) {
	ids := map[string]uint{}
	for _, a := range authors {
		u, err := tx.UserByEmail(ctx, a.email)
		if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.NotFound {
			u = &models.User{Name: a.name, Email: a.email, Role: models.RoleEditor, Bio: a.bio, Active: true}
			err = tx.CreateUser(ctx, u)
		}
		if err != nil {
			return nil, fmt.Errorf("seed author %s: %w", a.email, err)
		}
		ids[a.email] = u.ID
	}
	return ids, nil
}

func seedArticles(ctx context.Context, tx *store.Store) error {
	authorIDs, err := seedAuthors(ctx, tx)
	if err != nil {
		return err
	}
	for _, sa := range articleList() {
		sa.slug = models.NormalizeSlug(sa.slug)
		if sa.slug == "" {
			sa.slug = models.Slugify(sa.title)
		}
		_, err := tx.ArticleBySlug(ctx, sa.slug)
		if err == nil {
			continue // seeded before; editors may have changed it since
		}
		if me, ok := errors.AsType[*models.Error](err); !ok || me.Code != models.NotFound {
			return err
		}
		published, err := time.Parse(time.DateOnly, sa.date)
		if err != nil {
			return err
		}
		published = published.Add(9 * time.Hour)
		doc, err := markdown.Render(sa.body)
		if err != nil {
			return err
		}
		a := &models.Article{
			Slug: sa.slug, Title: sa.title, Summary: sa.summary, Body: sa.body, HTML: doc.HTML,
			Status: models.ArticlePublished, PublishedAt: &published, AuthorID: authorIDs[sa.author],
			ReadingTimeMinutes: doc.ReadingTimeMinutes, TableOfContents: doc.TableOfContents, Faqs: doc.Faqs,
		}
		if err := tx.CreateArticle(ctx, a); err != nil {
			return fmt.Errorf("seed article %s: %w", sa.slug, err)
		}
		var tags []*models.Tag
		for _, name := range sa.tags {
			tags = append(tags, &models.Tag{Name: name, Slug: models.Slugify(name)})
		}
		if err := tx.SetArticleTags(ctx, a.ID, tags); err != nil {
			return err
		}
		for i, c := range sa.comments {
			comment := &models.Comment{
				ArticleID: a.ID, Status: c.status, AuthorName: c.name, AuthorEmail: c.email, Body: c.body,
				CreatedAt: published.Add(time.Duration(i+1) * 26 * time.Hour),
			}
			if err := tx.CreateComment(ctx, comment); err != nil {
				return err
			}
		}
	}
	return nil
}

func articleList() []seededArticle {
	return []seededArticle{
		{
			slug: "back-end-developer-glossary", title: "Back-end Developer", date: "2024-03-19",
			author: "tanvir@lakeside-training.example", tags: []string{"Glossary", "Back-end", "Careers"},
			summary: "A short definition: who a back-end developer is and what they look after.",
			body: `# Back-end Developer

A **back-end developer** builds the part of an application that runs on the server:
the rules of the business, the database behind it and the interfaces other programs
call. Visitors never see this work directly, but every page they open depends on it.

## In one list

- Writes server-side code in languages such as Go, Python, Java or PHP
- Designs tables and queries so that data stays correct and quick to reach
- Builds APIs for websites and mobile apps
- Keeps the system secure, monitored and ready for more users

## FAQ

### Is a back-end developer the same as a server-side developer?

Yes. The two names describe the same job.

### Do I need a degree?

No. Many of our students start with our Web Design course, learn one server
language well and build a small project to show employers.
`,
			comments: []seededComment{
				{"Rafiq", "rafiq@example.com", "Clear and short. Which language would you learn first?", models.CommentApproved},
			},
		},
		{
			slug: "what-does-a-back-end-developer-do", title: "What Does a Back-End Developer Do?", date: "2024-07-15",
			author: "farhana@lakeside-training.example", tags: []string{"Back-end", "Web Development", "Databases", "APIs"},
			summary: "The everyday work behind a website: servers, databases, APIs, security and speed.",
			body: `Front-end developers get the applause for what people see. Back-end developers make
sure there is something to see at all.

## Core responsibilities

1. **Databases**: design the tables, write the queries, keep the data safe.
2. **Server-side logic**: take a request, apply the rules, send an answer.
3. **APIs**: give the website and the app one reliable way to reach the data.
4. **Security**: sign people in, check what they may do, keep secrets secret.
5. **Performance**: cache what is asked often and index what is searched.

## Tools of the trade

| Area      | Examples                       |
|-----------|--------------------------------|
| Languages | Go, Python, Java, PHP, Node.js |
| Databases | MySQL, PostgreSQL, Redis       |
| Version control | Git                      |

## Working with the front end

The two sides agree on the shape of the data first, then build in parallel and
test together.

## FAQs

### What is the main job of a back-end developer?

To keep the server side of an application correct, safe and fast.

### Which languages should I know?

One well, to start: Python or Go are friendly first choices.

### How do they keep an application fast?

With caching, sensible database indexes and by spreading load across servers.
`,
			comments: []seededComment{
				{"Nusrat", "nusrat@example.com", "The table of tools helped me plan my next course. Thank you!", models.CommentApproved},
				{"Imran", "imran@example.com", "Do you teach any of these languages in the evening batches?", models.CommentApproved},
				{"Buy followers", "spam@example.com", "Cheap followers at example dot com", models.CommentSpam},
			},
		},
		{
			slug: "back-end-developer-tasks-and-responsibilities", title: "What Does a Back-end Developer Do? Tasks and Responsibilities", date: "2024-09-02",
			author: "farhana@lakeside-training.example", tags: []string{"Back-end", "Careers", "APIs"},
			summary: "A week in the life: the tasks a back-end developer takes on, from business logic to code review.",
			body: `## Typical tasks

- Write the code for the application's business rules
- Create REST or GraphQL APIs, including sign-in and permissions
- Design database schemas and tune slow queries
- Review colleagues' code and write tests
- Keep up with new tools and good practice

## Skills employers look for

Solid knowledge of one server language, SQL, HTTP and Git; the habit of writing
tests; and clear communication with designers and front-end developers.

## FAQ

### How long does it take to become job-ready?

With steady practice, most learners need six months to a year after the basics.
`,
			comments: []seededComment{
				{"Sadia", "sadia@example.com", "Great overview of the week. More posts like this please.", models.CommentApproved},
				{"Karim", "karim@example.com", "Is code review really part of the job for beginners?", models.CommentPending},
			},
		},
		{
			slug: "role-of-a-backend-developer-key-skills", title: "Exploring the Role of a Backend Developer: Key Skills and Responsibilities", date: "2024-11-11",
			author: "tanvir@lakeside-training.example", tags: []string{"Back-end", "Careers", "Security", "Web Development"},
			summary: "The skills that make a good backend developer, and where the field is heading.",
			body: `## What is backend development?

Everything behind the screen: servers, databases and the code that connects them.

## Key skills

1. A server-side language and its main framework
2. Databases, both relational and key-value
3. APIs and how to version them
4. Security: encryption, authentication, protection against SQL injection and XSS
5. Cloud hosting and deployment

## Trends to watch

Microservices, serverless functions and containers are changing how back ends are
built and run, but the fundamentals above stay the same.

## FAQs

### Is backend development a good career in Bangladesh?

Yes: local companies and remote employers both hire developers who can build and
run reliable servers.

### Where should I start?

Learn HTML and CSS in our Web Design course, then add a server language and a
database, one at a time.
`,
			comments: []seededComment{
				{"Arif", "arif@example.com", "The security section is spot on. XSS bit me on my first project.", models.CommentApproved},
			},
		},
		{
			title: "বাংলা টাইপিং শেখার সহজ উপায়", date: "2025-01-14",
			author: "farhana@lakeside-training.example", tags: []string{"বাংলা টাইপিং"},
			summary: "বাংলা টাইপিং শুরু করার কয়েকটি সহজ ধাপ, আর আমাদের অফিস কোর্সে তা কীভাবে শেখানো হয়।",
			body: `বাংলায় দ্রুত আর নির্ভুল টাইপ করতে পারা এখন অফিস, পড়াশোনা আর ফ্রিল্যান্স কাজ,
সব জায়গাতেই দরকারি। মিরপুরে আমাদের সেন্টারে যাঁরা প্রথম কম্পিউটার শিখতে আসেন,
তাঁদের অনেকেই শুরুতে জানতে চান: বাংলা টাইপিং কি কঠিন? উত্তর হলো, না। নিয়ম মেনে
প্রতিদিন একটু অনুশীলন করলেই হয়।

## কোথা থেকে শুরু করবেন

1. একটি কীবোর্ড লেআউট বেছে নিন, আর সেটাতেই লেগে থাকুন।
2. আঙুল রাখুন হোম রো-তে; কীবোর্ডের দিকে না তাকিয়ে লেখার চেষ্টা করুন।
3. প্রথমে গতি নয়, নির্ভুলতা। গতি পরে নিজেই আসবে।

## প্রতিদিনের অনুশীলন

দিনে আধা ঘণ্টা ছোট ছোট অনুচ্ছেদ টাইপ করুন: খবরের কাগজের লেখা, চিঠি বা নিজের
নোট। যুক্তাক্ষর (যেমন ক্ষ, জ্ঞ, ন্ত) আলাদা করে অনুশীলন করুন, কারণ এগুলোতেই ভুল
বেশি হয়।

## আমাদের কোর্সে বাংলা টাইপিং

অফিস/বেসিক কম্পিউটার কোর্সে বাংলা আর ইংরেজি টাইপিং শেখানো হয়, সঙ্গে থাকে ওয়ার্ড,
এক্সেল, পাওয়ারপয়েন্ট আর ইমেইল। কোর্সটি দুই মাসের; ক্লাস সপ্তাহে চার দিন, রবি থেকে
বুধবার; ফি ৪,৫০০ টাকা। সকাল ৮টা থেকে রাত ১০টা পর্যন্ত দেড় ঘণ্টার ব্যাচ আছে, তাই
চাকরি বা পড়াশোনার পাশাপাশিও সময় মেলানো যায়।

## FAQ

### আগে কম্পিউটার ব্যবহার না করলে কি ভর্তি হওয়া যাবে?

হ্যাঁ। কোর্সটি একেবারে শুরু থেকে শেখানোর জন্যই সাজানো।

### টাইপিংয়ের গতি কীভাবে বাড়াব?

শুরুতে গতির চেয়ে নির্ভুলতা বেশি জরুরি। নিয়মিত অনুশীলনে গতি সপ্তাহে সপ্তাহে বাড়ে।
`,
			comments: []seededComment{
				{"রহিম উদ্দিন", "rahim@example.com", "খুব কাজের লেখা। যুক্তাক্ষরের অংশটা আমার সবচেয়ে বেশি কাজে লেগেছে।", models.CommentApproved},
			},
		},
	}
}
