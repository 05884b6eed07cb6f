// Package names finds a person or a place whatever spelling was typed.
//
// The same man is written Тоқаев in Kazakh, Токаев in Russian, Tokayev in
// English news, Toqaev in the 2021 Kazakh Latin alphabet and Tokaev in a
// passport. A relative searching for a name, or an editor checking whether a
// victim is already recorded, must find the record whatever they type. The
// package offers three layers:
//
//   - Normalize: Unicode NFC, lower case, ё→е, punctuation to spaces,
//     look-alike letters of the other script repaired; the script is kept.
//   - Translit: Cyrillic (Kazakh and Russian) to Latin by a named scheme:
//     the Kazakh Latin alphabets of 2021, 2018 and 2017, ICAO Doc 9303 as in
//     passports, BGN/PCGN for Russian and for Kazakh, GOST 7.79-2000 systems
//     A and B, and the informal "Wikipedia" spelling. Variants lists the
//     usual forms of one name for display and search expansion.
//   - Key and WordKeys: a phonetic match key, the same for every script and
//     scheme above (see key.go for the folding rules and their sources), with
//     name order ignored and patronymics (-ұлы, -қызы, -ович, -овна) reduced
//     to one form. Distance and JaroWinkler compare keys for typos; Match
//     combines them into the test the search index applies.
//
// Stem (Snowball for Russian, a conservative suffix stripper for Kazakh) is
// for ordinary words in descriptions; names are matched by keys instead.
//
// The facts behind every table (letters, sources, the parts that are not
// verified) are in shared/domain/kazakhstan.md, section 5.
package names
