build/obj/booker/ledger.o: booker/ledger.c common/db.h booker/ledger.h \
 common/log.h common/xalloc.h
common/db.h:
booker/ledger.h:
common/log.h:
common/xalloc.h:
