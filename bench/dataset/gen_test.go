package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTheSameSeedGivesTheSameRows(t *testing.T) {
	size := DefaultSize
	size.Articles, size.Enquiries = 30, 30
	a, b := newGen(7, size), newGen(7, size)
	for i := range size.Articles {
		x, err := a.Article(i)
		if err != nil {
			t.Fatal(err)
		}
		y, err := b.Article(i)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(x, y); diff != "" {
			t.Fatalf("article %d differs (-first +second):\n%s", i, diff)
		}
		if diff := cmp.Diff(a.Comments(i), b.Comments(i)); diff != "" {
			t.Fatalf("comments of article %d differ (-first +second):\n%s", i, diff)
		}
	}
	var na, nb uint
	for i := range size.Enquiries {
		if diff := cmp.Diff(a.Enquiry(i, &na), b.Enquiry(i, &nb)); diff != "" {
			t.Fatalf("enquiry %d differs (-first +second):\n%s", i, diff)
		}
	}
	if diff := cmp.Diff(a.Course(3), b.Course(3)); diff != "" {
		t.Fatalf("course differs (-first +second):\n%s", diff)
	}
}

func TestAnotherSeedGivesOtherText(t *testing.T) {
	x, err := newGen(1, DefaultSize).Article(0)
	if err != nil {
		t.Fatal(err)
	}
	y, err := newGen(2, DefaultSize).Article(0)
	if err != nil {
		t.Fatal(err)
	}
	if x.Body == y.Body {
		t.Error("seeds 1 and 2 gave the same body")
	}
}

func TestSlugsAreUniqueAndValid(t *testing.T) {
	g := newGen(1, DefaultSize)
	seen := map[string]int{}
	for i := range 200 {
		a, err := g.Article(i)
		if err != nil {
			t.Fatal(err)
		}
		if j, ok := seen[a.Slug]; ok {
			t.Fatalf("articles %d and %d share the slug %q", j, i, a.Slug)
		}
		seen[a.Slug] = i
	}
}
