# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""An EventInjector fed from another thread: application events, with and without a connection."""

import threading

from _common import URL

from proton.reactor import ApplicationEvent, EventInjector
from recorder import MessagingHandler, Recorded, run

GLOBAL_ORDER = False


class Injected(Recorded, MessagingHandler):
    def on_start(self, event):
        self.injector = EventInjector()
        event.container.selectable(self.injector)
        self.acceptor = event.container.listen(URL)
        self.connection = event.container.connect(URL)

    def on_connection_opened(self, event):
        if event.connection == self.connection:
            threading.Thread(target=self.feed).start()

    def feed(self):
        for n in range(3):
            self.injector.trigger(ApplicationEvent("tick", subject=n))
        self.injector.trigger(ApplicationEvent("about_connection", connection=self.connection))
        self.injector.trigger(ApplicationEvent("finish"))

    def on_tick(self, event):
        print("tick", event.subject)

    def on_about_connection(self, event):
        print("about a connection:", event.connection == self.connection)

    def on_finish(self, event):
        self.injector.close()
        self.connection.close()

    def on_connection_closed(self, event):
        self.acceptor.close()


run(Injected())
print("done")
