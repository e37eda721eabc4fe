-- Photos of a work order, as stored after src/photos.rs re-encoded them (EXIF
-- gone, at most 1600 px, a 320 px thumbnail beside): the bytes live in the file
-- store under the photo's id, never under the uploader's file name.
CREATE TABLE work_order_photos (
    id             BLOB PRIMARY KEY NOT NULL,
    org_id         BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    work_order_id  BLOB NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    size_bytes     BIGINT NOT NULL,
    added_by_name  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX work_order_photos_order ON work_order_photos (org_id, work_order_id, created_at);
