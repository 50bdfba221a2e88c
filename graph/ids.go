package graph

import (
	"strings"

	"coursegraph/models"
)

// Kinds of global ids: the GraphQL type names of the entities.
const (
	kindCourse      = models.KindCourse
	kindBatch       = models.KindBatch
	kindSchedule    = models.KindSchedule
	kindUser        = models.KindUser
	kindAuditEntry  = models.KindAuditEntry
	kindArticle     = models.KindArticle
	kindTag         = models.KindTag
	kindComment     = models.KindComment
	kindEnquiry     = models.KindEnquiry
	kindEnquiryNote = models.KindEnquiryNote
)

// globalID returns the opaque global id of the entity of kind with key id.
func globalID(kind string, id uint) string { return models.GlobalID(kind, id) }

// parseGlobalID reads any global id; field names the input for the error.
func parseGlobalID(gid, field string) (kind string, id uint, err error) {
	return models.ParseGlobalID(gid, field)
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
