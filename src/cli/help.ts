/** `--help` texts: what each command does, every option, and examples to copy. */
export const MAIN_HELP = `statuskit - status endpoints, a host agent and a monitoring client

Usage: statuskit <command> [options]

Commands:
  serve              start a status agent for this host (default: 127.0.0.1:8077)
  get URL            fetch a status document and print it
  check URL          a Nagios / Icinga plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
  watch URL...       poll status APIs, react to transitions, keep a history
  watch history      transitions and availability from a watch history file
  watch test         a config's rules against a saved answer, each verdict explained
  watch replay       a config's rules over the stored samples: incidents and notifications
  config check FILE  validate a config file without serving
  config schema      print the config file's JSON Schema (for editor completion)

Global options:
  -q, --quiet        only warnings and errors in the logs
      --log FORMAT   json or text (default: text on a terminal, json otherwise)
  -v, --version      print the version
  -h, --help         this help; "statuskit <command> --help" for a command's

Examples:
  npx statuskit serve
  statuskit get http://127.0.0.1:8077/status --path checks.disk.status
  statuskit check http://127.0.0.1:8077/status --path host.system.loadAverage[0] --warn 2 --crit 4
  statuskit watch https://api.example.com/health --history watch.db --on-change ./notify.sh
`;

const AUTH_HELP = `Authentication:
      --api-key KEY          send an API key (header X-Api-Key, or --api-key-header NAME); env STATUSKIT_API_KEY
      --api-key-header NAME  header carrying the API key
  -H, --header 'N: v'        extra request header (repeatable)
      --token JWT            Authorization: Bearer JWT; env STATUSKIT_TOKEN
  -u, --user login:password  HTTP Basic, or Digest with --digest
      --digest               answer the server's Digest challenge (RFC 7616, SHA-256 or MD5)
  -t, --timeout DURATION     give up after this long (default 10s)
  -k, --insecure             accept any TLS certificate
  -L, --follow               follow redirects (up to 5); credentials stay with the first origin
      --command CMD          ws:// URLs: the command sent after auth (default status; e.g. sysinfo)`;

export const COMMAND_HELP: Record<string, string> = {
  serve: `Usage: statuskit serve [--config FILE] [--host HOST] [--port PORT]

Starts a status agent. Without a config it serves this host's vitals (CPU per core, memory and
swap, disks, network, load), its own process vitals, and disk / memory / event-loop checks.
It prints the URLs it serves on stdout, one per line; logs go to stderr.
SIGHUP reloads the config without dropping connections; an invalid config keeps the old one.

Options:
  -c, --config FILE   YAML or JSON config (env STATUSKIT_CONFIG)
      --host HOST     interface to bind (env STATUSKIT_HOST; default 127.0.0.1)
  -p, --port PORT     port (env STATUSKIT_PORT; default 8077; 0 picks a free one)

Examples:
  statuskit serve
  statuskit serve --port 0 --quiet
  STATUSKIT_PORT=9000 statuskit serve --config statuskit.yaml
  kill -HUP <pid>     # reload statuskit.yaml
`,
  get: `Usage: statuskit get URL [--path P] [--pretty] [auth options]

Fetches a document and prints it: coloured, indented JSON on a terminal, the body as received
when piped. --path extracts a value on the client, so it works with any JSON API. Control
characters from the server never reach a terminal (they are shown as \\u001b escapes).

Exit codes: 0 a JSON document was printed (with --raw: any 2xx body); 1 no document: the server
is unreachable or slow, an HTTP error (a 503 status document is still printed), a redirect not
followed, a body that is not JSON, a --path not found, a document nested deeper than 512 levels;
2 bad arguments. Each failure is one line on stderr.

Options:
      --path a.b.c    print only this value (dot path a.b[0] or JSON pointer /a/b/0)
      --pretty        indent the JSON even when piped
      --raw           print the body as received, JSON or not; never indent or colour
${AUTH_HELP}

Examples:
  statuskit get http://127.0.0.1:8077/status
  statuskit get http://127.0.0.1:8077/status --path host.memory.swapUsed
  statuskit get https://api.example.com/v1/status --api-key "$KEY"
  statuskit get http://pbx:8077/status --user admin:secret --digest --path app.master.general.app_status
  statuskit get ws://127.0.0.1:8077/api/health/ws --token "$JWT" --command sysinfo
`,
  check: `Usage: statuskit check URL [--path P] [--warn RANGE] [--crit RANGE] [--expect VALUE] [auth options]

A Nagios / Icinga plugin. Prints one line "STATUSKIT <STATE> - <text> | <perfdata>" and exits
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Without --path the document's overall status word decides.
A status word at --path maps to OK / WARNING / CRITICAL (maintenance is WARNING); a number is
compared with the ranges. An unreachable or silent service is CRITICAL (as check_http says);
UNKNOWN is for what cannot be judged: bad arguments, 401/403/404, a redirect not followed (see
--follow), a body that is not JSON, a missing path.

Options:
      --path P          the value to judge
  -w, --warn RANGE      WARNING when the number is outside RANGE
  -c, --crit RANGE      CRITICAL when the number is outside RANGE
  -e, --expect VALUE    CRITICAL unless the value equals VALUE
  -l, --label NAME      perfdata label (default: the last path segment)
${AUTH_HELP}

Ranges (Nagios):  10 = outside 0..10   10: = below 10   ~:10 = above 10
                  10:20 = outside 10..20   @10:20 = inside 10..20

Examples:
  statuskit check http://127.0.0.1:8077/status
  statuskit check http://127.0.0.1:8077/status --path checks.disk.observedValue --warn 20: --crit 10:
  statuskit check http://pbx:8077/status -u admin:secret --digest --path app.master.general.app_state --expect ''
`,
  watch: `Usage: statuskit watch URL... [options]
       statuskit watch --config FILE [options]
       statuskit watch history --history FILE [--target NAME] [--since 24h] [--json]
       statuskit watch test --config FILE --sample ANSWER [--previous ANSWER] [--target NAME]
                            [--status CODE] [--time DURATION] [--json]
       statuskit watch replay --config FILE [--history FILE] [--since 7d] [--target NAME] [--json]
       statuskit watch incident list|add|update ID|resolve ID (--history FILE | --config FILE |
                                --url PAGE_URL --api-key KEY) [--title T] [--message M] [--target NAME]...
                                [--impact minor|major|critical] [--status S] [--json]

Polls each target's status document and reads its status word (status, data.status or --path; the
--word words first, then any vocabulary: ok/Ko, UP/DOWN, pass/fail, operational...), or with
--by-http-code judges by the HTTP code alone. An unreachable target is critical, an unknown word
unknown. On each change of level (debounced by --fail-after / --recover-after) it logs one line,
runs --on-change and POSTs the transition to each --webhook, without delaying the polls.
Rules (--when, --warn-when, --notify, or rules: in the file) judge anything the answer holds and
explain each failure; notifications wait --group-wait to go out as one message per receiver.
Targets of a config file may also be checks (check: tcp, dns, tls, postgres, ...) or push targets
(a job POSTs to /push/<token> on --serve). A URL may be named: api=https://api.example.com/health. Logs go to stderr.

Options:
      --interval DURATION    time between polls of a target (default 30s)
  -t, --timeout DURATION     a poll slower than this is critical (default 5s)
      --path P               where the status word is (dot path or JSON pointer)
      --word WORD=LEVEL      a status word of your own, matched before the built-in ones (exact,
                             then ignoring case); LEVEL: ok, unknown, warning, maintenance,
                             critical; repeatable; --word =ok for the empty word
      --by-http-code         judge by the HTTP code alone: ok below 400, critical from 400 on
                             (no word is read; an error text in the body becomes the message)
      --when 'EXPR'          a rule: the target is healthy when EXPR holds, critical when it does
                             not, unknown when a path it reads is missing; 'NAME: EXPR' names
                             it (repeatable). EXPR: body.a.b < 0.05, status == 200, time < 300ms,
                             size, headers["x"], cert.daysLeft >= 14, == != < <= > >=, in, =~ /re/,
                             len(), has(), any(LIST, it == "x"), all(), and, or, not
      --warn-when 'EXPR'     the same, warning when it does not hold
      --notify 'EXPR'        notify when EXPR becomes true, whatever the level:
                             changed(body.version), becomes(body.app.state, "stopped")
      --group-wait DURATION  gather notifications this long into one message per receiver
                             (default 10s; 0s sends each at once)
      --fail-after N         consecutive worse polls before a target's level gets worse (default 1)
      --recover-after N      consecutive better polls before it gets better (default 1)
      --on-change CMD        run CMD (in /bin/sh) on each transition; the transition is in its
                             environment only: STATUSKIT_TARGET, STATUSKIT_URL, STATUSKIT_FROM,
                             STATUSKIT_TO, STATUSKIT_MESSAGE, STATUSKIT_AT (also _WORD, _HTTP_CODE)
      --webhook URL          POST each transition as JSON to URL (repeatable; 3 retries)
      --webhook-format FMT   json (default), slack ({text}) or discord ({content})
      --hook-timeout DUR     kill a command / abandon a webhook attempt after this (default 10s)
      --history FILE         record samples and transitions in this SQLite file (WAL)
      --retain DURATION      delete history older than this (default 30d)
      --serve [HOST:]PORT    serve the targets: a status document at /status, health probes,
                             /metrics, the live feed and a dashboard at / (host 127.0.0.1);
                             every URL is printed on stdout, /status first
      --once                 poll every target once, print a table, exit 0 OK, 1 WARNING,
                             2 CRITICAL, 3 UNKNOWN by the worst level
      --json                 with --once or history: print JSON instead of a table
  -c, --config FILE          YAML or JSON file of targets and defaults (see docs/watch.md)
  -k, --insecure             accept any TLS certificate
Authentication (for the URLs on the command line, not a config file's targets):
      --api-key KEY          API key (header X-Api-Key, or --api-key-header NAME); env STATUSKIT_API_KEY
      --api-key-header NAME  header carrying the API key
  -H, --header 'N: v'        extra request header (repeatable)
      --token JWT            Authorization: Bearer JWT; env STATUSKIT_TOKEN
  -u, --user login:password  HTTP Basic, or Digest with --digest
      --digest               answer the server's Digest challenge

History options:
      --history FILE         the history file (or the config's history)
      --target NAME          one target only
      --since DURATION       the window, ending now (default 24h; replay: 7d)

Test options (exit 0 when every target tested is ok, 1 otherwise):
      --sample FILE          the saved answer's body (statuskit get URL --raw > answer.json)
      --previous FILE        an earlier answer, for changed() and becomes()
      --status CODE          its HTTP code (default 200); --time DURATION its response time

SIGHUP (with --config) re-reads the file and applies the difference: unchanged targets keep their
state, changed ones restart polling, removed ones stop, new ones start; an invalid file keeps the
running configuration and logs every problem; history and serve changes need a restart.
SIGINT / SIGTERM stop polling, wait for running hooks (up to the hook timeout), close the history.

Examples:
  statuskit watch http://127.0.0.1:8077/status --interval 10s
  statuskit watch api=https://api.example.com/v1/status --api-key "$KEY" --fail-after 3 \\
      --webhook https://hooks.example.com/statuskit --history watch.db --serve 8078
  statuskit watch http://pbx:8077/status -u admin:secret --digest --path app.master.general.app_status
  statuskit watch http://pbx:8077/status -u admin:secret --digest --path app.master.general.app_state \\
      --word =ok --word stopped=critical --word restarting=warning
  statuskit watch https://api.example.com/healthz --by-http-code
  statuskit watch --config watch.yaml --on-change 'logger -t statuskit "$STATUSKIT_TARGET $STATUSKIT_TO"'
  statuskit watch --config watch.yaml --once     # from cron or Nagios
  kill -HUP <pid>                                # reload watch.yaml
  statuskit watch history --history watch.db --since 7d --target api
  statuskit watch https://dydu.example/status \\
      --when 'errors: body.applications.servlet.requests.chatHttp.fiveMinuteErrorsRatio < 0.05' \\
      --warn-when 'time < 300ms' --notify 'changed(body.version)'
  statuskit watch test --config watch.yaml --sample answer.json
  statuskit watch replay --config new.yaml --since 30d
`,
  config: `Usage: statuskit config check FILE | statuskit config schema

  config check FILE   validate FILE (YAML or JSON); lists every problem with its path; exit 1 if invalid
  config schema       print the JSON Schema of the config file

Examples:
  statuskit config check statuskit.yaml
  statuskit config schema > statuskit.schema.json
  # in statuskit.yaml, for completion in editors with the YAML language server:
  # yaml-language-server: $schema=./statuskit.schema.json
`,
};
