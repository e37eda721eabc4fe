-- Word 97-2003 (.doc) and Excel 97-2003 (.xls) files were stored with the
-- OOXML content types of .docx and .xlsx; they are served as what they are.
UPDATE documents SET content_type = 'application/msword'
    WHERE LOWER(file_name) LIKE '%.doc'
      AND content_type = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
UPDATE documents SET content_type = 'application/vnd.ms-excel'
    WHERE LOWER(file_name) LIKE '%.xls'
      AND content_type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
