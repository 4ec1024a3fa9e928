build/obj/fetcher/store.o: fetcher/store.c common/db.h common/log.h \
 fetcher/store.h common/order.h common/xalloc.h
common/db.h:
common/log.h:
fetcher/store.h:
common/order.h:
common/xalloc.h:
