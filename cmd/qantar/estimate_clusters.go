package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/qantar-project/qantar"
)

// clustersHeader is the header of the cluster file qantar link --out writes.
const clustersHeader = "file,record_id,cluster_id"

// clusterTable lets qantar estimate read the cluster file of qantar link
// --out: when r starts with its header, the rows (a list, a record on it,
// the person linkage gave it) become one row per person with a 0/1 column
// per list, the table mse.ReadCSV reads; any other file is passed through
// unread. name is the file's name, for errors.
func clusterTable(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len("\ufeff") + len(clustersHeader) + 2)
	first := strings.TrimPrefix(string(head), "\ufeff")
	if i := strings.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	if strings.TrimSpace(first) != clustersHeader {
		return br, nil
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 3
	if _, err := cr.Read(); err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "%s: %v", name, err)
	}
	var lists []string
	listIndex := map[string]int{}
	var persons []string
	onLists := map[string]map[int]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		list, person := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[2])
		if list == "" || person == "" {
			return nil, qantar.Errorf(qantar.EINVALID, "%s: line %d: a row needs a file and a cluster_id", name, line)
		}
		li, ok := listIndex[list]
		if !ok {
			li = len(lists)
			listIndex[list] = li
			lists = append(lists, list)
		}
		if onLists[person] == nil {
			onLists[person] = map[int]bool{}
			persons = append(persons, person)
		}
		onLists[person][li] = true
	}
	var out bytes.Buffer
	cw := csv.NewWriter(&out)
	cw.Write(lists)
	row := make([]string, len(lists))
	for _, p := range persons {
		for i := range row {
			row[i] = "0"
			if onLists[p][i] {
				row[i] = "1"
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	return &out, cw.Error()
}
