'use strict';
// Starts kinesalite in memory on loopback and prints one line "kinesalite listening on <port>" when ready.
// It exits by itself when its parent goes away: the parent holds our stdin open and the OS closes it when the
// parent dies, even by SIGKILL; a parent-pid check backs that up. So a killed JVM leaves no emulator behind.
const kinesalite = require('kinesalite');

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', '0'));
const host = option('host', '127.0.0.1');
const parentPid = process.ppid;

const server = kinesalite({
  createStreamMs: Number(option('createStreamMs', '50')),
  deleteStreamMs: Number(option('deleteStreamMs', '50')),
  updateStreamMs: Number(option('updateStreamMs', '50')),
  shardLimit: Number(option('shardLimit', '200')),
});

server.on('error', (err) => {
  console.error('kinesalite failed: ' + err.message);
  process.exit(1);
});

server.listen(port, host, () => {
  console.log('kinesalite listening on ' + server.address().port);
});

function stop() {
  server.close();
  process.exit(0);
}

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
// Ctrl-C in a terminal reaches the whole foreground process group, this child included. The parent decides when
// the emulator stops (it may still need it to shut down gracefully), so SIGINT is ignored here.
process.on('SIGINT', () => {});
setInterval(() => {
  if (process.ppid !== parentPid) {
    stop();
  }
}, 1000).unref();
