package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// pools of runes for generated texts: every script a record may be written
// in, the letters Normalize repairs (lookalikes, ё, old Kazakh forms),
// apostrophes, combining marks, punctuation, spaces of every kind, digits.
var pools = []string{
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZəǝɵ",
	"абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
	"әғқңөұүһіӘҒҚҢӨҰҮҺІӊҥӈӄӉҤӇӃ",
	"αβγδЖζηθ中文字漢مرحباשלוםÄÖÜßéèçñ",
	"'\"`´ʹʺʻʼʽ‘’′″\u0301\u0308\u0306",
	"-‐–—.,;:!?()[]/\\«»№_+*&%$#@",
	" \u00a0\t\n\u2003\u3000  ",
	"0123456789",
}

// genText returns a text of up to 8 words of runes drawn from pools, the
// script of a word mostly one pool's.
func genText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(9) {
		main := []rune(pools[r.IntN(4)])
		for range 1 + r.IntN(9) {
			p := main
			if r.IntN(5) == 0 {
				p = []rune(pools[r.IntN(len(pools))])
			}
			b.WriteRune(p[r.IntN(len(p))])
		}
		sep := []rune(pools[5+r.IntN(2)])
		b.WriteRune(sep[r.IntN(len(sep))])
		if r.IntN(20) == 0 {
			b.WriteString("\xff")
		}
	}
	return b.String()
}

// TestWordsByPart: the words of a text are the words of its parts between
// spaces, in order, which lets DocOf and DocKeys key a text part by part.
func TestWordsByPart(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		text := genText(r)
		var byPart []string
		for _, part := range strings.Fields(text) {
			byPart = append(byPart, words(part)...)
		}
		if whole := words(text); !slices.Equal(whole, byPart) {
			t.Fatalf("%q: words %q, by part %q", text, whole, byPart)
		}
	}
}

// genRecord returns a record of an indexed kind with generated texts.
func genRecord(r *rand.Rand, i int) qantar.Record {
	txt := func() qantar.Text {
		return qantar.Text{"ru": genText(r), "kk": genText(r), "en": genText(r)}
	}
	switch i % 5 {
	case 0:
		p := &qantar.Person{}
		for range 1 + r.IntN(3) {
			p.Names = append(p.Names, qantar.Name{Value: genText(r), Lang: "ru"})
		}
		if r.IntN(3) == 0 {
			p.Protection = "confidential"
		}
		return p
	case 1:
		return &qantar.Event{Title: txt(), Description: txt()}
	case 2:
		return &qantar.Unit{Name: txt(), Aliases: []string{genText(r), genText(r)}}
	case 3:
		return &qantar.Source{Title: txt(), Publisher: genText(r), Author: genText(r)}
	}
	return &qantar.Case{Number: genText(r), Summary: txt()}
}

// TestDocKeysAgree: DocKeys gives DocOf's level and keys, with one cache
// over many records (parts they share are taken from it).
func TestDocKeysAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cache := KeyCache{}
	var buf []string
	n := 0
	for i := range 10000 {
		rec := genRecord(r, i)
		d := DocOf(rec)
		level, keys := DocKeys(rec, cache, buf)
		buf = keys
		got := slices.Sorted(slices.Values(keys))
		if level != d.Protection || !slices.Equal(got, d.Keys) {
			t.Fatalf("%T %+v: DocKeys %q %q, DocOf %q %q", rec, rec, level, got, d.Protection, d.Keys)
		}
		n += len(keys)
	}
	if n < 10000 {
		t.Fatalf("only %d keys in 10,000 records: does the generator make words?", n)
	}
}
