// The coursegraph playground: GraphiQL with example tabs, served by the server
// itself (no CDN), queries over POST /graphql and subscriptions over WebSocket
// (graphql-transport-ws) on the same host.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import './style.css';
import tabs from './tabs.json';

const endpoint = new URL('/graphql', window.location.href);
const subscriptionUrl = new URL(endpoint);
subscriptionUrl.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

// The headers editor's JSON goes into each request, and into connection_init for
// a subscription: the server reads {"Authorization": "Bearer <token>"} there.
const fetcher = createGraphiQLFetcher({
  url: endpoint.href,
  subscriptionUrl: subscriptionUrl.href,
});

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={tabs}
    defaultEditorToolsVisibility="headers"
    isHeadersEditorEnabled
  />,
);
