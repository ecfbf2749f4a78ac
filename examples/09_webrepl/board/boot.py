# Runs at every boot: join the WiFi network, then start WebREPL.
def connect(ssid, password):
    import network

    wlan = network.WLAN(network.STA_IF)
    if not wlan.isconnected():
        print("connecting to", ssid)
        wlan.active(True)
        wlan.connect(ssid, password)
        while not wlan.isconnected():
            pass
    print("network config:", wlan.ifconfig())


connect("your wifi ssid", "your wifi password")

import webrepl

webrepl.start()
