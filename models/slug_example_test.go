package models_test

import (
	"fmt"

	"coursegraph/models"
)

// Slugs keep the words of a title in its own script.
func ExampleSlugify() {
	for _, title := range []string{
		"ওয়েব ডিজাইন শেখার সহজ উপায়", // Bangla
		"Café crème à Besançon",            // Latin with accents
		"Excel ২০২৪: সূত্র ও Pivot Tables", // mixed
		"🚀🎉", // emoji only: no slug; the API asks for one
	} {
		fmt.Printf("%q\n", models.Slugify(title))
	}
	// Output:
	// "ওয়েব-ডিজাইন-শেখার-সহজ-উপায়"
	// "café-crème-à-besançon"
	// "excel-২০২৪-সূত্র-ও-pivot-tables"
	// ""
}
