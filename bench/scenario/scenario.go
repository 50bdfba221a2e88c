// Package scenario holds the GraphQL documents the comparison sends, so that the
// runner (bench/compare) and the raw baseline (bench/raw) agree on their exact text:
// the raw server routes a request by its query string.
//
// It imports the standard library only.
package scenario

// ArticlesPage is the blog's list page: Q1 (no variables) and Q4 (after: the cursor
// of the 900th article).
const ArticlesPage = `query ArticlesPage($after: String) {
  articles(first: 20, after: $after) {
    edges {
      cursor
      node {
        id slug title summary publishedAt readingTimeMinutes
        author { id name }
        tags { name slug }
        commentCount
        comments(first: 3) { edges { node { id authorName body createdAt } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

// Catalogue is Q2: 50 courses with their fee and each schedule's batch.
const Catalogue = `query Catalogue {
  courses(first: 50) {
    edges {
      node {
        id slug title
        fee { amount currency formatted }
        schedules { id seatsLeft status batch { name startTime endTime } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

// ArticleBySlug is Q3: one article with its HTML, author, tags and every approved
// comment ($slug).
const ArticleBySlug = `query ArticleBySlug($slug: String!) {
  article(slug: $slug) {
    id slug title summary html publishedAt updatedAt readingTimeMinutes
    tableOfContents { level text anchor }
    author { id name bio }
    tags { name slug }
    commentCount
    comments(first: 100) { edges { node { id authorName body createdAt } } pageInfo { hasNextPage } }
  }
}`

// SubmitEnquiry is Q5: the contact form ($input: SubmitEnquiryInput).
const SubmitEnquiry = `mutation SubmitEnquiry($input: SubmitEnquiryInput!) {
  submitEnquiry(input: $input) { id receivedAt }
}`

// Inbox is Q6: the staff inbox, 50 enquiries with course, schedule, batch, assignee
// and notes (needs a STAFF bearer token).
const Inbox = `query Inbox {
  enquiries(first: 50) {
    edges {
      node {
        id name email phone message status version createdAt
        course { id title }
        schedule { id batch { name startTime endTime } }
        assignee { id name }
        notes { id body createdAt author { name } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

// Login signs in ($email, $password); the runner uses it once for the inbox token.
const Login = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token }
}`
