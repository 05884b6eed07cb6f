package names

import "testing"

func TestStem(t *testing.T) {
	tests := []struct{ name, word, lang, want string }{
		// Russian: Snowball.
		{"RussianCase", "прокуратуры", "ru", "прокуратур"},
		{"RussianSame", "прокуратура", "ru", "прокуратур"},
		{"RussianYo", "расстрелянных", "ru", "расстреля"},
		// Kazakh: case, possession and plural, from the end.
		{"KazakhDative", "прокуратураға", "kk", "прокуратура"},
		{"KazakhLocative", "Жаңаөзенде", "kk", "жаңаөзен"},
		{"KazakhAblative", "Алматыдан", "kk", "алматы"},
		{"KazakhGenitive", "полицейлердің", "kk", "полицей"},
		{"KazakhStacked", "балаларымыздың", "kk", "бала"},
		{"KazakhShortKept", "ата", "kk", "ата"},
		{"KazakhNoSuffix", "қаңтар", "kk", "қаңтар"},
		// English: Snowball.
		{"English", "killings", "en", "kill"},
		// Any other language: normalised only.
		{"Other", "Тоқаев", "de", "тоқаев"},
		{"Phrase", "Қанды қаңтар", "kk", "қанды қаңтар"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Stem(tt.word, tt.lang); got != tt.want {
				t.Errorf("Stem(%q, %q) = %q, want %q", tt.word, tt.lang, got, tt.want)
			}
		})
	}
}
