package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"coursegraph/models"
)

// Kinds of global ids: the GraphQL type names of the entities.
const (
	kindCourse      = "Course"
	kindBatch       = "Batch"
	kindSchedule    = "Schedule"
	kindUser        = "User"
	kindAuditEntry  = "AuditEntry"
	kindArticle     = "Article"
	kindTag         = "Tag"
	kindComment     = "Comment"
	kindEnquiry     = "Enquiry"
	kindEnquiryNote = "EnquiryNote"
)

// globalID returns the opaque global id of the entity of kind with key id. It is
// the only place ids are encoded.
func globalID(kind string, id uint) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatUint(uint64(id), 10)))
}

// parseGlobalID reads any global id; field names the input for the error.
func parseGlobalID(gid, field string) (kind string, id uint, err error) {
	b, decodeErr := base64.RawURLEncoding.DecodeString(gid)
	kind, key, ok := strings.Cut(string(b), ":")
	n, parseErr := strconv.ParseUint(key, 10, 64)
	if decodeErr != nil || !ok || parseErr != nil || n == 0 || uint64(uint(n)) != n {
		return "", 0, models.InvalidField(field, "is not a valid id")
	}
	return kind, uint(n), nil
}

// parseID reads a global id that must be of kind.
func parseID(gid, kind, field string) (uint, error) {
	k, id, err := parseGlobalID(gid, field)
	if err != nil {
		return 0, err
	}
	if k != kind {
		return 0, models.InvalidField(field, "is not the id of a %s", strings.ToLower(kind))
	}
	return id, nil
}

// setID reads an optional global id of kind into *dst; nil leaves *dst as it is.
func setID(dst **uint, gid *string, kind, field string) error {
	if gid == nil {
		return nil
	}
	id, err := parseID(*gid, kind, field)
	if err != nil {
		return err
	}
	*dst = &id
	return nil
}
