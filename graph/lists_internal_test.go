package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestListElementsAreMarshalledInOrderEachWithItsIndex: one goroutine, in
// order, each element's field context carrying its index.
func TestListElementsAreMarshalledInOrderEachWithItsIndex(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	var order []int
	got := marshalSliceInline(ctx, 3, func(ctx context.Context, i int) graphql.Marshaler {
		order = append(order, *graphql.GetFieldContext(ctx).Index)
		return graphql.MarshalInt(i * 10)
	})
	if len(got) != 3 || len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Fatalf("got %d elements in order %v", len(got), order)
	}
}

// TestAPanickingElementIsAnErrorThatNullsTheList, as gqlgen's own marshaller
// does.
func TestAPanickingElementIsAnErrorThatNullsTheList(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	got := marshalSliceInline(ctx, 2, func(ctx context.Context, i int) graphql.Marshaler {
		if i == 1 {
			panic("boom")
		}
		return graphql.MarshalInt(i)
	})
	if got != nil {
		t.Errorf("got %v; want nil", got)
	}
	if errs := graphql.GetErrors(ctx); len(errs) != 1 {
		t.Errorf("errors: %v; want the panic as one error", errs)
	}
}
