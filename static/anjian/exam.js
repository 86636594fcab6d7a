// The online exam. Every answer is kept in this browser first (localStorage) and saved to the server at once with
// a rising sequence number, so a retry never overwrites a newer answer. Without a connection the answers wait and
// are sent when it comes back (every few seconds, and on the browser's "online" event). The server answers with
// the answer it holds: when that is newer (another device, a later save), the page shows it. The clock shows the
// server's time left; at zero the page asks the server, which closes the exam on its own clock.
(function () {
  "use strict";
  var form = document.getElementById("paper");
  if (!form) return;
  var attempt = form.dataset.attempt;
  var headers = { Authorization: "Bearer " + form.dataset.token, "Content-Type": "application/json" };
  var base = form.dataset.api + "/attempts/" + attempt;
  var storeKey = "anjian-exam-" + attempt;
  var saveState = document.querySelector("[data-testid=save-state]");
  var clock = document.querySelector("[data-testid=clock]");
  var finished = false;
  var inflight = null;

  function read() {
    try {
      var kept = JSON.parse(localStorage.getItem(storeKey) || "null");
      if (kept && typeof kept.seq === "number" && kept.pending && typeof kept.pending === "object") return kept;
    } catch (e) {
      /* unreadable: start afresh; the server holds what was saved */
    }
    return { seq: 0, pending: {} };
  }
  var state = read();

  function persist() {
    try {
      localStorage.setItem(storeKey, JSON.stringify(state));
    } catch (e) {
      /* private mode: the server copy is the record */
    }
  }

  function fieldset(question) {
    return form.querySelector('fieldset[data-question="' + question + '"]');
  }
  function serverSeq(question) {
    var box = fieldset(question);
    return box ? parseInt(box.dataset.seq || "0", 10) : 0;
  }
  function chosen(question) {
    var inputs = form.querySelectorAll('input[name="q' + question + '"]');
    var out = [];
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) out.push(parseInt(inputs[i].value, 10));
    return out;
  }
  function showAnswer(question, answer) {
    var inputs = form.querySelectorAll('input[name="q' + question + '"]');
    for (var i = 0; i < inputs.length; i++) inputs[i].checked = answer.indexOf(parseInt(inputs[i].value, 10)) >= 0;
  }
  function same(a, b) {
    return a.slice().sort().join(",") === b.slice().sort().join(",");
  }

  // Answers still waiting from an earlier visit (the connection broke, the browser closed) are shown again, unless
  // the server already holds a save as new or newer (from another device): then the server's answer stands.
  Object.keys(state.pending).forEach(function (question) {
    if (!fieldset(question) || state.pending[question].seq <= serverSeq(question)) delete state.pending[question];
    else showAnswer(question, state.pending[question].answer);
  });
  state.seq = Math.max(state.seq, parseInt(form.dataset.seq || "0", 10));
  persist();

  function show() {
    var waiting = Object.keys(state.pending).length;
    saveState.dataset.pending = String(waiting);
    saveState.textContent = waiting ? form.dataset.msgPending + waiting : form.dataset.msgSaved;
    saveState.className = waiting ? "badge off" : "badge";
  }

  function done() {
    finished = true;
    try {
      localStorage.removeItem(storeKey);
    } catch (e) {
      /* nothing kept */
    }
    window.location.assign(form.dataset.done);
  }

  function send(question) {
    var entry = state.pending[question];
    if (!entry) return Promise.resolve(true);
    return fetch(base + "/answers/" + question, { method: "PUT", headers: headers, body: JSON.stringify(entry) })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            var current = state.pending[question];
            if (body.seq === entry.seq && same(body.answer, entry.answer)) {
              if (current && current.seq === entry.seq) delete state.pending[question];
            } else if (body.seq >= entry.seq) {
              // The server holds another answer saved under as new a number (another device or tab).
              state.seq = Math.max(state.seq, body.seq);
              if (current && current.seq === entry.seq) {
                if (body.seq > entry.seq) {
                  delete state.pending[question]; // newer there: show it
                  showAnswer(question, body.answer);
                } else {
                  state.seq += 1; // the same number from another tab: this choice is sent again, above it
                  state.pending[question] = { answer: entry.answer, seq: state.seq };
                }
              }
            }
            var box = fieldset(question);
            if (box) box.dataset.seq = String(Math.max(serverSeq(question), body.seq));
            persist();
            return true;
          }
          if (body.code === "attempt_closed" || body.code === "attempt_already_submitted") {
            done();
            return false;
          }
          if (response.status >= 500 || response.status === 429 || response.status === 401) return false;
          delete state.pending[question]; // refused for good (not on the paper, not an option)
          persist();
          return true;
        });
      })
      .catch(function () {
        return false; // no connection: keep it and try again
      });
  }

  // One pass over the waiting answers; a pass already running is waited for, not run twice.
  function flush() {
    if (finished) return Promise.resolve();
    if (inflight) return inflight;
    var chain = Promise.resolve(true);
    Object.keys(state.pending).forEach(function (question) {
      chain = chain.then(function (goOn) {
        return goOn ? send(question) : false;
      });
    });
    inflight = chain.then(function () {
      inflight = null;
      show();
    });
    return inflight;
  }
  // Everything sent that can be: the running pass, then one more for what came in meanwhile.
  function settle() {
    return flush().then(flush);
  }

  form.addEventListener("change", function (event) {
    var question = event.target.dataset.question;
    if (!question || finished) return;
    state.seq = Math.max(state.seq, read().seq) + 1; // another tab may have counted on
    state.pending[question] = { answer: chosen(question), seq: state.seq };
    persist();
    show();
    flush();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    settle().then(function () {
      // Handed in only once every answer is on the server; offline, the answers wait and the button stays.
      if (finished || Object.keys(state.pending).length || !window.confirm(form.dataset.msgConfirm)) return;
      fetch(base + "/submit", { method: "POST", headers: headers })
        .then(function (response) {
          if (response.ok) return done();
          return response.json().then(function (body) {
            if (body.code === "attempt_closed" || body.code === "attempt_already_submitted") done();
          });
        })
        .catch(show);
    });
  });

  var left = parseInt(form.dataset.secondsLeft, 10);
  var startedAt = Date.now();
  var asking = false;
  // The server's word on the time: handed in (at its end, by the server) or how long is left.
  function sync() {
    if (asking || finished) return Promise.resolve();
    asking = true;
    return fetch(base, { headers: headers })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        asking = false;
        if (!body) return;
        if (body.status === "submitted") return done();
        left = body.seconds_left;
        startedAt = Date.now();
      })
      .catch(function () {
        asking = false;
      });
  }
  function tick() {
    var remaining = Math.max(0, Math.ceil(left - (Date.now() - startedAt) / 1000));
    var m = Math.floor(remaining / 60);
    var s = remaining % 60;
    clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    clock.dataset.seconds = String(remaining);
    if (remaining === 0 && !finished) settle().then(sync); // the last answers first, then the server closes it
  }
  setInterval(tick, 1000);
  setInterval(flush, 5000);
  setInterval(sync, 30000);
  window.addEventListener("online", flush);
  tick();
  show();
  flush();
})();
