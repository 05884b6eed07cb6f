package names

import (
	"strings"
	"testing"
)

// benchNames mixes the scripts and schemes a register holds.
var benchNames = []string{
	"Тоқаев Қасым-Жомарт Кемелұлы", "Kassym-Zhomart Tokayev", "Назарбаев Нурсултан Абишевич",
	"Jañaözen", "Щеглова Юлия Андреевна", "Mäsımov Kärım Qajymqanūly",
}

func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		for _, n := range benchNames {
			Key(n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchNames)), "ns/name")
}

func BenchmarkKeyCyrillicWord(b *testing.B) {
	for b.Loop() {
		Key("Тоқаев")
	}
}

func BenchmarkKeyLatinWord(b *testing.B) {
	for b.Loop() {
		Key("Tokayev")
	}
}

// BenchmarkReferenceLower is the reference for the figures above, measured
// in the same run: strings.ToLower over the same names, the least any key
// must do.
func BenchmarkReferenceLower(b *testing.B) {
	for b.Loop() {
		for _, n := range benchNames {
			_ = strings.ToLower(n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchNames)), "ns/name")
}

func BenchmarkNormalize(b *testing.B) {
	for b.Loop() {
		for _, n := range benchNames {
			Normalize(n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchNames)), "ns/name")
}

func BenchmarkTranslit(b *testing.B) {
	for b.Loop() {
		Translit("Тоқаев Қасым-Жомарт Кемелұлы", KazakhLatin2021)
	}
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("Tokaaev Kasim", "Тоқаев Қасым-Жомарт Кемелұлы")
	}
}
