-- A table holding every type sluice extract must round-trip byte-exact, with
-- edge values (type limits, NULL versus empty, bytes 0x00 , " CR LF in binary
-- and text columns, latin1 text, 4-byte UTF-8), then 3,000 more varied rows
-- so that a parallel extract has many key ranges to read.
SET time_zone = '+00:00';
CREATE TABLE types (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, bi BIGINT, bu BIGINT UNSIGNED,
  de DECIMAL(30,10), fl FLOAT, db DOUBLE,
  d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(3), yr YEAR,
  c CHAR(10), vc VARCHAR(200), tx TEXT,
  l1 VARCHAR(50) CHARACTER SET latin1, l1t TEXT CHARACTER SET latin1,
  bn BINARY(4), vb VARBINARY(64), bl BLOB,
  bt BIT(12), en ENUM('a','b','c d'), st SET('x','y','z'), js JSON
) DEFAULT CHARSET=utf8mb4;
INSERT INTO types VALUES
 (1, -128, 255, -32768, -8388608, -9223372036854775808, 18446744073709551615,
  12345678901234567890.0123456789, 3.40282e38, 1.7976931348623157e308,
  '1000-01-01', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '-838:59:59.000', 1901,
  'abc', 'with,comma "quote"\nnewline', 'multi\r\nline', 'café ÿ', 'Grüße ±§',
  X'00010203', X'2C220A0D00', X'000102FFFE', b'101010101010', 'c d', 'x,z', '{"a": [1, 2.5, "x"]}'),
 (2, 127, 0, 32767, 8388607, 9223372036854775807, 0,
  -0.0000000001, -1.17549e-38, 2.2250738585072014e-308,
  '2024-02-29', '2024-02-29 12:00:00.000001', '1970-01-01 00:00:01', '838:59:59.999', 2155,
  '', '', '', '', '',
  X'', X'', X'', b'0', 'a', '', '[]'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 1, 0, 0, 0, 1, 0.1, 0.1, 0.1, '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00',
  '-00:00:01.5', 2000,
  '\\N', '\\N', 'NULL 😀', 'emoji', 'þ ok', X'5C4E0000', X'5C4E', X'22', b'111111111111', 'b',
  'x,y,z', '{"k": "\\u00e9 😀"}');
INSERT INTO types
SELECT s + 10,
  s % 256 - 128, s % 256, s - 1500, s * 2791 - 4000000, s * 3074457345618258 - 4611686018427387904,
  CAST(s AS UNSIGNED) * 6148914691236517,
  s * 1234.5678901234 - 1000000, s / 7, s * PI() * 1e100,
  '2020-01-01' + INTERVAL s DAY, '2020-01-01 00:00:00' + INTERVAL s * 7919 SECOND + INTERVAL s MICROSECOND,
  '2001-01-01 00:00:00' + INTERVAL s HOUR, SEC_TO_TIME(s * 301 - 400000), 1901 + s % 255,
  LEFT(MD5(s), s % 11), CONCAT('row ', s, IF(s % 3 = 0, ',"q"\n', ' ')), REPEAT('t', s % 50),
  CHAR(160 + s % 96 USING latin1), CONCAT('L', CHAR(192 + s % 64 USING latin1)),
  UNHEX(LPAD(HEX(s), 8, '0')), UNHEX(MD5(s)), IF(s % 5 = 0, NULL, UNHEX(SHA2(s, 256))),
  s % 4096, ELT(1 + s % 3, 'a', 'b', 'c d'), IF(s % 4 = 0, '', 'y'),
  JSON_OBJECT('n', s, 's', CONCAT('v', s))
FROM (SELECT CAST(seq AS SIGNED) AS s FROM seq_1_to_3000) n;
