// The online exam: every answer is kept in this browser first (localStorage) and saved to the server at once,
// each with a rising sequence number, so a retry never overwrites a newer answer. Without a connection the answers
// wait and are sent when it comes back (every few seconds and on the browser's "online" event). The clock shows
// the server's time left; at zero the exam is handed in (the server closes it on its own clock anyway).
(function () {
  "use strict";
  var form = document.getElementById("paper");
  if (!form) return;
  var attempt = form.dataset.attempt;
  var headers = { Authorization: "Bearer " + form.dataset.token, "Content-Type": "application/json" };
  var base = form.dataset.api + "/attempts/" + attempt;
  var storeKey = "anjian-exam-" + attempt;
  var state;
  try {
    state = JSON.parse(localStorage.getItem(storeKey) || "null");
  } catch (e) {
    state = null;
  }
  if (!state || typeof state.seq !== "number" || typeof state.pending !== "object") state = { seq: 0, pending: {} };
  state.seq = Math.max(state.seq, parseInt(form.dataset.seq || "0", 10));
  var saveState = document.querySelector("[data-testid=save-state]");
  var clock = document.querySelector("[data-testid=clock]");
  var finished = false;
  var sending = false;

  function persist() {
    try {
      localStorage.setItem(storeKey, JSON.stringify(state));
    } catch (e) {
      /* private mode: the server copy is the record */
    }
  }

  function chosen(question) {
    var inputs = form.querySelectorAll('input[name="q' + question + '"]');
    var out = [];
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) out.push(parseInt(inputs[i].value, 10));
    return out;
  }

  function show() {
    var waiting = Object.keys(state.pending).length;
    saveState.dataset.pending = String(waiting);
    saveState.textContent = waiting ? form.dataset.msgPending + waiting : form.dataset.msgSaved;
    saveState.className = waiting ? "badge off" : "badge";
  }

  // Answers still waiting from an earlier visit (the connection broke, the browser closed) are shown again.
  Object.keys(state.pending).forEach(function (question) {
    var inputs = form.querySelectorAll('input[name="q' + question + '"]');
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].checked = state.pending[question].answer.indexOf(parseInt(inputs[i].value, 10)) >= 0;
    }
  });

  function done() {
    finished = true;
    try {
      localStorage.removeItem(storeKey);
    } catch (e) {
      /* nothing kept */
    }
    window.location.assign(form.dataset.done);
  }

  function flush() {
    if (sending || finished) return Promise.resolve();
    var questions = Object.keys(state.pending);
    if (!questions.length) {
      show();
      return Promise.resolve();
    }
    sending = true;
    var chain = Promise.resolve(true);
    questions.forEach(function (question) {
      chain = chain.then(function (goOn) {
        if (!goOn) return false;
        var entry = state.pending[question];
        if (!entry) return true;
        return fetch(base + "/answers/" + question, { method: "PUT", headers: headers, body: JSON.stringify(entry) })
          .then(function (response) {
            if (response.ok) {
              if (state.pending[question] && state.pending[question].seq === entry.seq) delete state.pending[question];
              persist();
              return true;
            }
            return response.json().then(function (body) {
              if (body.code === "attempt_closed" || body.code === "attempt_already_submitted") {
                done();
                return false;
              }
              if (response.status >= 500 || response.status === 429) return false; // try again later
              delete state.pending[question]; // refused for good (not on the paper, not an option)
              persist();
              return true;
            });
          })
          .catch(function () {
            return false; // no connection: keep it and try again
          });
      });
    });
    return chain.then(function () {
      sending = false;
      show();
    });
  }

  form.addEventListener("change", function (event) {
    var question = event.target.dataset.question;
    if (!question || finished) return;
    state.seq += 1;
    state.pending[question] = { answer: chosen(question), seq: state.seq };
    persist();
    show();
    flush();
  });

  function submit() {
    if (finished) return;
    flush().then(function () {
      return fetch(base + "/submit", { method: "POST", headers: headers }).then(function (response) {
        if (response.ok) return done();
        return response.json().then(function (body) {
          if (body.code === "attempt_closed" || body.code === "attempt_already_submitted") done();
        });
      });
    }).catch(function () {
      show(); // no connection: the button stays; the server hands it in at the end of the time
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    flush().then(function () {
      // Handed in only once every answer is on the server; offline, the answers wait and the button stays.
      if (Object.keys(state.pending).length === 0 && window.confirm(form.dataset.msgConfirm)) submit();
    });
  });

  var left = parseInt(form.dataset.secondsLeft, 10);
  var startedAt = Date.now();
  function tick() {
    var remaining = Math.max(0, Math.round(left - (Date.now() - startedAt) / 1000));
    var m = Math.floor(remaining / 60);
    var s = remaining % 60;
    clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    clock.dataset.seconds = String(remaining);
    if (remaining === 0 && !finished) submit();
  }
  function sync() {
    fetch(base, { headers: headers })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (!body) return;
        if (body.status === "submitted") return done();
        left = body.seconds_left;
        startedAt = Date.now();
      })
      .catch(function () {});
  }
  setInterval(tick, 1000);
  setInterval(flush, 5000);
  setInterval(sync, 30000);
  window.addEventListener("online", flush);
  tick();
  show();
  flush();
})();
