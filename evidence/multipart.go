package evidence

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/qantar-project/qantar"
)

// maxField bounds a form field before the file (protection, derivation…).
const maxField = 4 << 10

// AddMultipart reads a multipart/form-data upload as it arrives and adds
// its file to the source: the fields protection, derived_from, derivation,
// captured_at and name are read when they come before the part named
// "file", whose bytes are streamed into the store, never held whole. It
// says what it added as Receive does: the file and any public copy.
func (fs *Files) AddMultipart(r *http.Request, st qantar.Store, actor qantar.Actor, sourceID int64) (*Added, error) {
	if !actor.CanWrite() {
		return nil, qantar.Errorf(qantar.EFORBIDDEN, "only editors may add files")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, qantar.FieldErrorf("file", "the form is not a file upload (multipart/form-data): %v", err)
	}
	up := Upload{SourceID: sourceID}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, uploadError(err)
		}
		if part.FormName() == "file" && part.FileName() != "" {
			if up.Name == "" {
				up.Name = part.FileName()
			}
			up.DeclaredType = part.Header.Get("Content-Type")
			a, err := fs.Receive(r.Context(), st, actor, up, part)
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, qantar.Errorf(qantar.ETOOLARGE, "the file is larger than the limit of %d bytes", fs.maxSize())
				}
				return nil, err
			}
			return a, nil
		}
		if err := readField(&up, part); err != nil {
			return nil, err
		}
	}
}

func readField(up *Upload, part *multipart.Part) error {
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := part.Read(buf)
		b.Write(buf[:n])
		if b.Len() > maxField {
			return qantar.FieldErrorf(part.FormName(), "is too long")
		}
		if err != nil {
			break
		}
	}
	v := strings.TrimSpace(b.String())
	switch part.FormName() {
	case "protection":
		up.Protection = v
	case "derived_from":
		up.DerivedFrom = strings.ToLower(v)
	case "derivation":
		up.Derivation = v
	case "name":
		up.Name = v
	case "captured_at":
		if v != "" {
			d, err := qantar.ParseDate(v)
			if err != nil {
				return qantar.FieldErrorf("captured_at", "%q is not a date such as 2022-01-05 or 2022-01-05T14:30", v)
			}
			up.CapturedAt = d
		}
	}
	return nil
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return qantar.Errorf(qantar.ETOOLARGE, "the upload is larger than the limit")
	}
	return qantar.FieldErrorf("file", "the form has no file (a part named \"file\" with a file name)")
}
