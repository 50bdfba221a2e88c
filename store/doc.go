// Package store holds all database access: opening either engine, migrations, the
// queries of each noun and translating database errors into models errors. It never
// asks who the caller is; the service layer decides that.
//
// It may import models, GORM and the database drivers; never service, auth or graph.
package store
