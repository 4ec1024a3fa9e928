build/obj/common/db.o: common/db.c common/db.h common/log.h
common/db.h:
common/log.h:
