# The host side of board events and host functions (README "Events and host functions";
# docs/protocol.md §6): run once per interpreter, when a device first uses events, as
# `belay._events`.
# `link` is the device's native `_EventLink`: `enable()`, `next(timeout)`,
# `define_host(name, f)`, `note_dropped(n)`.
# Nothing but sys is imported until events are used: a Device that never uses them pays no
# threading import at start-up.
import sys

# Event(name, value, time), a namedtuple made on first use.
Event = None


def _event(name, value, when):
    global Event
    if Event is None:
        from collections import namedtuple

        Event = namedtuple("Event", "name value time")
    return Event(name, value, when)

# Events without a callback wait here for events()/wait_event(); beyond this many the newest are
# dropped, counted and reported.
BACKLOG = 10000


def _warn(text):
    sys.stderr.write("belay: " + text + "\n")


class Events:
    def __init__(self, link):
        self._link = link
        self._callbacks = {}
        # The queue for events()/wait_event() and its condition, made by _start.
        self._queue = None
        self._cond = None
        self._started = False
        self._decoder = None

    # --- the API ---------------------------------------------------------------------------
    def on(self, name=None):
        """`@device.on("name")`: `f(value, when)` runs on the device's event thread for each
        `belay_emit("name", value)`; `@device.on()` / `@device.on(None)`: `f(name, value, when)`
        for every event that has no callback of its own."""
        if callable(name):
            return self.on(None)(name)
        if name is not None and not isinstance(name, str):
            raise TypeError("an event name is a str (or None for every event)")

        def register(callback):
            self._callbacks.setdefault(name, []).append(callback)
            self._start()
            return callback

        return register

    def host(self, function=None, *, name=None):
        """`@device.host`: board code may call this function while a call runs on the board."""

        def register(f):
            self._link.define_host(name or f.__name__, f)
            return f

        return register if function is None else register(function)

    def events(self, timeout=None):
        """The events that have no callback, as they come; ends after `timeout` seconds without
        one (None: never)."""
        self._start()
        while True:
            event = self._get(None, timeout)
            if event is None:
                return
            yield event

    def wait_event(self, name=None, timeout=None):
        """The next event called `name` (None: any) that has no callback; TimeoutError after
        `timeout` seconds."""
        self._start()
        event = self._get(name, timeout)
        if event is None:
            raise TimeoutError("no event %s within %ss" % (repr(name) if name else "", timeout))
        return event

    # --- inside ----------------------------------------------------------------------------
    def _start(self):
        if self._started:
            return
        self._started = True
        import threading
        from collections import deque

        self._queue = deque()
        self._cond = threading.Condition()
        self._link.enable()
        threading.Thread(target=self._pump, name="belay events", daemon=True).start()

    def _get(self, name, timeout):
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                for i, event in enumerate(self._queue):
                    if name is None or event.name == name:
                        del self._queue[i]
                        return event
                left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
                if left <= 0:
                    return None
                # In slices, so that Ctrl-C is seen.
                self._cond.wait(left)

    def _pump(self):
        link = self._link
        while True:
            try:
                item = link.next(0.25)
            except Exception as e:
                _warn("the event thread stopped: %s" % e)
                return
            if item is None:
                continue
            if item is False:
                return
            try:
                self._handle(item)
            except Exception as e:
                _warn("handling a board event failed: %r" % e)

    def _handle(self, item):
        kind = item[0]
        if kind == "event":
            self._deliver(_event(item[1], item[2], item[3]))
        elif kind == "output":
            if self._decoder is None:
                import codecs

                self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
            sys.stdout.write(self._decoder.decode(item[1]))
            sys.stdout.flush()
        elif kind == "dropped":
            self._dropped(item[1], item[2])
        elif kind == "stray":
            _warn(
                "board code called host function %s() while no call ran: host functions answer "
                "only during a call (task, setup, generator)" % item[1]
            )

    def _deliver(self, event):
        callbacks = self._callbacks.get(event.name)
        if callbacks:
            for callback in callbacks:
                self._run(callback, event, (event.value, event.time))
            return
        callbacks = self._callbacks.get(None)
        if callbacks:
            for callback in callbacks:
                self._run(callback, event, event)
            return
        with self._cond:
            if len(self._queue) >= BACKLOG:
                self._dropped(1, True, "nobody took them: device.events() / wait_event()")
                return
            self._queue.append(event)
            self._cond.notify_all()

    def _run(self, callback, event, args):
        try:
            callback(*args)
        except Exception as e:
            import traceback

            name = getattr(callback, "__name__", callback)
            _warn("the callback %s for event %r raised:" % (name, event.name))
            # From the callback's own frame on.
            traceback.print_exception(type(e), e, e.__traceback__.tb_next)

    def _dropped(self, count, on_host, why=None):
        self._link.note_dropped(count)
        if why is None:
            why = (
                "the host did not keep up"
                if on_host
                else "the board's event queue of 64 was full"
            )
        _warn("%d event%s dropped (%s)" % (count, "" if count == 1 else "s", why))


def register_marks(events, device, base):
    """What the device's class (a subclass of `base`, belay.Device) marked with `@Device.on` /
    `@Device.host`, bound to the device."""
    seen = set()
    for klass in type(device).__mro__:
        if klass is base or klass is object:
            continue
        for attr, value in vars(klass).items():
            if attr in seen:
                continue
            seen.add(attr)
            names = getattr(value, "__belay_on__", None)
            if names is not None:
                for name in names:
                    events.on(name)(getattr(device, attr))
            host = getattr(value, "__belay_host__", None)
            if host is not None:
                events.host(getattr(device, attr), name=host or attr)


def mark_on(name=None):
    """`@Device.on("name")` in a class body."""
    if callable(name):
        return mark_on(None)(name)

    def mark(f):
        f.__belay_on__ = getattr(f, "__belay_on__", ()) + (name,)
        return f

    return mark


def mark_host(function=None, *, name=None):
    """`@Device.host` in a class body."""

    def mark(f):
        f.__belay_host__ = name or ""
        return f

    return mark if function is None else mark(function)
