package filing

import (
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
)

// msg says a catalogue key in a language (the keys are in
// locale/translations; filing's test holds every key used here to being
// there in kk, ru and en).
func msg(lang, key string, args ...any) string { return locale.For(lang).S(key, args...) }

// invalid is bad input said in the reader's language.
func invalid(lang, key string, args ...any) error {
	return qantar.Errorf(qantar.EINVALID, "%s", msg(lang, key, args...))
}

// notFound is a record that is not there (or the reader may not see).
func notFound(lang, key string, args ...any) error {
	return qantar.Errorf(qantar.ENOTFOUND, "%s", msg(lang, key, args...))
}
