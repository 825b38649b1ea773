// saml-idp served by one Node process per core (Node's cluster shares the port), as the bench
// serves our IdP with one granian worker per core. argv: port workers cert key acsUrl audience
'use strict';
const cluster = require('cluster');
const [port, workers, cert, key, acsUrl, audience] = process.argv.slice(2);

if (cluster.isPrimary) {
  for (let i = 0; i < Number(workers); i++) cluster.fork();
} else {
  // saml-idp logs every Response it signs to stdout; the bench discards stdout (a pipe to
  // /dev/null), so the logging is part of the peer's cost as it ships.
  require('saml-idp').runServer({
    host: '127.0.0.1', port: Number(port), cert, key, acsUrl, audience,
    issuer: 'urn:example:idp', serviceProviderId: audience,
  });
}
