package names

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"CaseFolded", "ТОҚАЕВ Қасым", "тоқаев қасым"},
		{"ScriptKept", "Тоқаев Toqaev", "тоқаев toqaev"},
		{"YoToYe", "Пётр Семёнов", "петр семенов"},
		{"Hyphen", "Қасым-Жомарт", "қасым жомарт"},
		{"Punctuation", " Тоқаев,  Қ.-Ж. (Президент) ", "тоқаев қ ж президент"},
		{"ApostropheJoins", "Ol'ga Jan’ao’zen", "olga janaozen"},
		{"PrimesDropped", "Vasilʹev sʺezd", "vasilev sezd"},
		{"Decomposed", "Жан\u0430\u0306", "жанӑ"}, // а + breve composes to ӑ
		{"DecomposedYo", "е\u0308ж", "еж"},
		{"InvalidUTF8", "Тоқ\xffаев", "тоқаев"},
		{"LatinInCyrillic", "Toқaeв", "тоқаев"},
		{"LatinHAndI", "Шиhелi", "шиһелі"},
		{"CyrillicInLatin", "Tokаеv", "tokaev"}, // Cyrillic а and е
		{"Schwa", "Əбішұлы", "әбішұлы"},
		{"OtherTurkicEn", "Жаӊаөзен", "жаңаөзен"},
		{"KazakhLatinDotted", "İlias", "ilias"},
		{"Digits", "5 қаңтар 2022", "5 қаңтар 2022"},
		{"Empty", " - ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestASCII(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Jañaözen", "Janaozen"}, {"Şymkent", "Symkent"}, {"Jetısu", "Jetisu"},
		{"İlias", "Ilias"}, {"Ma'si'mov", "Masimov"}, {"Əli", "Ali"}, {"Тоқаев", "Тоқаев"},
	}
	for _, tt := range tests {
		if got := ASCII(tt.in); got != tt.want {
			t.Errorf("ASCII(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRussianSpelling(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Тоқаев Қасым-Жомарт", "Токаев Касым-Жомарт"},
		{"ӘБІШҰЛЫ", "АБИШУЛЫ"},
		{"Жаңаөзен", "Жанаозен"},
		{"Маңғыстау", "Мангыстау"},
	}
	for _, tt := range tests {
		if got := RussianSpelling(tt.in); got != tt.want {
			t.Errorf("RussianSpelling(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
