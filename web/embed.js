/* edudesk embed script: mounts the desk into an element of a course portal's page.
 *
 *   <script src="https://desk.example/embed.js"></script>
 *   const desk = EdudeskEmbed.mount(document.getElementById('help'), {
 *     mode: 'learner',                 // 'agent' (the full desk) or 'learner' (requests, status, surveys)
 *     token: learnerToken,             // learner: from POST /api/v1/learner-token (the portal's server asks)
 *                                      // agent: a bearer token from POST /api/v1/login (optional; with agent)
 *     agent: 'a-wangmin',              // agent mode: who the token belongs to
 *     lang: 'zh-Hans',                 // 'zh-Hans' | 'zh-Hant' | 'en'
 *     server: 'https://desk.example/', // where the desk is; default: where this script came from
 *     allowedOrigins: [location.origin], // the portal origins the desk takes messages from
 *     learner: { course_id, course_name, order_id, subject, text },  // learner mode: the form's prefill
 *   });
 *   desk.on('ticketCreated', (e) => console.log(e.id, e.number));
 *   desk.openTicket('t-…');  desk.createTicket({ name, phone, order_id, course_id, subject, text });
 *   desk.destroy();
 *
 * The desk runs in an iframe of its own origin (its IndexedDB, its service worker, no CSS or
 * globals shared with the portal), sized to the element and following its size. Messages
 * sent before the desk is ready are queued. Events: ready {mode}, ticketCreated {id, number}
 * (a learner's request made offline: once the server has it), surveyAnswered {ticket_id}.
 * See docs/API.md.
 */
(function (global) {
  'use strict';
  var script = document.currentScript;
  var defaultServer = script && script.src ? new URL('./', script.src).href : new URL('./', location.href).href;
  var EVENTS = ['ready', 'ticketCreated', 'surveyAnswered'];

  function mount(element, options) {
    if (!element || !element.appendChild) throw new Error('EdudeskEmbed.mount: an element is required');
    var opts = options || {};
    if (opts.iframe === false) {
      // The desk owns its page (canvas, address, storage): it is always isolated in a frame.
      console.warn('EdudeskEmbed: iframe:false is not supported; the desk is mounted in an iframe');
    }
    var base = new URL(opts.server || defaultServer, location.href);
    var deskOrigin = base.origin;
    var mode = opts.mode === 'learner' ? 'learner' : 'agent';
    var origins = (opts.allowedOrigins && opts.allowedOrigins.length ? opts.allowedOrigins : [location.origin])
      .map(function (o) { return new URL(o).origin; });
    var q = new URLSearchParams();
    q.set('embed', '1');
    q.set('mode', mode);
    q.set('embed_origins', origins.join(' '));
    if (opts.lang) q.set('lang', opts.lang);
    if (mode === 'learner') {
      if (opts.token) q.set('learner_token', opts.token);
    } else {
      if (opts.token) q.set('token', opts.token);
      if (opts.agent) q.set('agent', opts.agent);
    }
    var src = new URL('./', base);
    src.search = q.toString();

    var frame = document.createElement('iframe');
    frame.src = src.href;
    frame.title = opts.title || (mode === 'learner' ? '客服与售后' : 'edudesk 售后服务台');
    frame.setAttribute('allow', 'clipboard-read; clipboard-write');
    frame.style.cssText = 'display:block;border:0;width:100%;height:100%;margin:0;padding:0;';
    // Sized to the container: 100% of it, which follows its size. A container without a
    // height of its own (auto, empty) gets one from its width, followed as it changes.
    var ownHeight = element.clientHeight > 0;
    element.appendChild(frame);
    var observer = null;
    if (!ownHeight) {
      var fit = function () { frame.style.height = Math.round(Math.max(480, element.clientWidth * 0.75)) + 'px'; };
      if (global.ResizeObserver) { observer = new ResizeObserver(fit); observer.observe(element); }
      fit();
    }

    var ready = false;
    var queue = [];
    var listeners = {};
    var send = function (msg) {
      if (ready && frame.contentWindow) frame.contentWindow.postMessage(msg, deskOrigin);
      else queue.push(msg);
    };
    var emit = function (name, data) {
      (listeners[name] || []).slice().forEach(function (cb) {
        try { cb(data); } catch (e) { console.error('EdudeskEmbed: listener of ' + name, e); }
      });
    };
    var onMessage = function (e) {
      // Only this desk's frame, from the desk's origin.
      if (e.source !== frame.contentWindow || e.origin !== deskOrigin) return;
      var m = e.data;
      if (!m || typeof m.type !== 'string' || m.type.indexOf('edudesk.') !== 0) return;
      var name = m.type.slice('edudesk.'.length);
      if (name === 'ready') {
        ready = true;
        var q2 = queue;
        queue = [];
        q2.forEach(send);
      }
      emit(name, m);
      emit('*', m);
    };
    global.addEventListener('message', onMessage);
    if (mode === 'learner' && opts.learner) send(Object.assign({ type: 'edudesk.createTicket' }, opts.learner));

    return {
      iframe: frame,
      mode: mode,
      get ready() { return ready; },
      openTicket: function (id) { send({ type: 'edudesk.openTicket', id: id }); },
      // Agent mode: the new-ticket form, prefilled ({name, phone, order_id, course_id, subject, text});
      // learner mode: the learner's request form ({subject, text, order_id, course_id, course_name}).
      createTicket: function (prefill) { send(Object.assign({}, prefill || {}, { type: 'edudesk.createTicket' })); },
      on: function (name, cb) {
        if (EVENTS.indexOf(name) < 0 && name !== '*') console.warn('EdudeskEmbed: unknown event ' + name);
        (listeners[name] = listeners[name] || []).push(cb);
        return this;
      },
      off: function (name, cb) {
        listeners[name] = (listeners[name] || []).filter(function (x) { return x !== cb; });
        return this;
      },
      destroy: function () {
        global.removeEventListener('message', onMessage);
        if (observer) observer.disconnect();
        listeners = {};
        queue = [];
        if (frame.parentNode) frame.parentNode.removeChild(frame);
      },
    };
  }

  global.EdudeskEmbed = { mount: mount, version: 1 };
})(window);
