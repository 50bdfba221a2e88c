package graph

import (
	"strings"

	"coursegraph/models"
)

// parseID reads a global id that must be of kind.
func parseID(gid, kind, field string) (uint, error) {
	k, id, err := models.ParseGlobalID(gid, field)
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
