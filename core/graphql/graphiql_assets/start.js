// GraphiQL for this endpoint, from files the project serves itself (no CDN):
// the page is usable offline and under a same-origin Content-Security-Policy.
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var fetcher = GraphiQL.createFetcher({ url: root.getAttribute("data-endpoint") });

  function GraphiQLWithExplorer() {
    var state = React.useState("");
    var explorer = GraphiQLPluginExplorer.useExplorerPlugin({
      query: state[0],
      onEdit: state[1],
    });
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: state[0],
      onEditQuery: state[1],
      // Bearer tokens go in the headers editor: the spa API has no cookies.
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.render(React.createElement(GraphiQLWithExplorer), root);
})();
