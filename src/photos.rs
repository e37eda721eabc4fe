//! Photos from phones (work orders today; residents' requests and site
//! managers' reports later): accepted as JPEG, PNG or WebP, checked by their
//! content rather than their name, turned the right way up, and stored again
//! as a JPEG at most 1600 px on its longest side plus a 320 px thumbnail.
//! Re-encoding keeps the pixels only, so the EXIF block — where a phone
//! writes the GPS position of the home it stood in — never reaches storage.
//! Pure computation on bytes (the caller runs it off the async threads).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The longest side of the stored photo.
pub const MAX_SIDE: u32 = 1600;
/// The longest side of its thumbnail.
pub const THUMB_SIDE: u32 = 320;
/// The largest photo accepted, in bytes (a phone's full-size photo fits).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// JPEG quality of what is stored.
const QUALITY: u8 = 82;
/// The most memory decoding one photo may take (a small file can claim
/// enormous dimensions).
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// The widest or tallest image decoded at all.
const MAX_DIMENSION: u32 = 16_000;

/// A photo as stored: the resized copy, its thumbnail, and their sizes.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The JPEG of at most [`MAX_SIDE`] px.
    pub full: Vec<u8>,
    /// The JPEG of at most [`THUMB_SIDE`] px.
    pub thumb: Vec<u8>,
    /// The stored photo's width.
    pub width: u32,
    /// Its height.
    pub height: u32,
}

/// The message for a file that is not a photo we read.
const NOT_A_PHOTO: &str = "Choose a photo: a JPEG, PNG or WebP image.";

/// The image format of a file's first bytes, or why it is refused. An
/// iPhone's HEIC photo gets its own message, with what to do instead.
pub fn sniff(head: &[u8]) -> Result<ImageFormat, String> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Ok(ImageFormat::WebP);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        const HEIF_BRANDS: [&[u8]; 8] = [b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"];
        if HEIF_BRANDS.contains(&&head[8..12]) {
            return Err("This is a HEIC photo, which cannot be read here. On an iPhone, choose \
                        Settings → Camera → Formats → Most Compatible, or share the photo as a JPEG."
                .into());
        }
    }
    Err(NOT_A_PHOTO.into())
}

/// Encodes an image as a JPEG.
fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let rgb = image.to_rgb8();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&rgb)
        .map_err(|_| "The photo could not be saved. Try another photo.".to_string())?;
    Ok(out)
}

/// Checks, turns, resizes and re-encodes a photo (see the module's doc).
pub fn process(bytes: &[u8]) -> Result<Processed, String> {
    if bytes.is_empty() {
        return Err("The file is empty. Choose a photo.".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "The photo is larger than {} MB. Choose a smaller one.",
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let format = sniff(&bytes[..bytes.len().min(16)])?;
    let unreadable = || "The photo could not be read. It may be damaged; try another.".to_string();
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| unreadable())?;
    image.apply_orientation(orientation);
    let full = if image.width() > MAX_SIDE || image.height() > MAX_SIDE {
        image.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle)
    } else {
        image.clone()
    };
    let thumb = full.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok(Processed {
        full: jpeg(&full)?,
        thumb: jpeg(&thumb)?,
        width: full.width(),
        height: full.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        }));
        let mut out = Vec::new();
        image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_stored_at_most_1600_px_with_a_320_px_thumbnail() {
        let processed = process(&png(2400, 1200)).unwrap();
        assert_eq!((processed.width, processed.height), (1600, 800));
        assert!(processed.full.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        let thumb = image::load_from_memory(&processed.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
        let small = process(&png(300, 200)).unwrap();
        assert_eq!((small.width, small.height), (300, 200), "a small photo is not enlarged");
    }

    #[test]
    fn files_that_are_not_photos_are_refused_and_heic_says_what_to_do() {
        assert_eq!(process(b"%PDF-1.7 not a photo").unwrap_err(), NOT_A_PHOTO);
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert!(process(heic).unwrap_err().contains("Most Compatible"));
        assert!(process(b"").unwrap_err().contains("empty"));
        let mut broken = png(50, 50);
        broken.truncate(60);
        assert!(process(&broken).unwrap_err().contains("could not be read"));
    }
}
