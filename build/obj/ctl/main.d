build/obj/ctl/main.o: ctl/main.c common/config.h common/control.h \
 common/msg.h common/match.h common/order.h common/daemon.h \
 common/config.h common/log.h common/net.h common/xalloc.h
common/config.h:
common/control.h:
common/msg.h:
common/match.h:
common/order.h:
common/daemon.h:
common/config.h:
common/log.h:
common/net.h:
common/xalloc.h:
