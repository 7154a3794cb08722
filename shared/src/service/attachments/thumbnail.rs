//! Image work of the media worker, kept free of I/O: decode within limits (a decompression
//! bomb is refused from its header, before any pixel is allocated), honour the EXIF
//! orientation, and encode a thumbnail that carries no metadata (no EXIF, no GPS).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// The largest image decoded: 40 megapixels (a 8000x5000 photo).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Neither side may exceed this.
pub const MAX_SIDE: u32 = 20_000;
/// The decoder's allocation ceiling, whatever the format claims.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// A thumbnail's longest side.
pub const THUMB_SIDE: u32 = 320;

/// A decoded image's size and its thumbnail.
#[derive(Debug)]
pub struct Thumbnail {
    /// The image's displayed size (after EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
    /// `image/jpeg` for opaque images, `image/png` where there is transparency.
    pub content_type: &'static str,
}

/// Decodes `bytes` and makes a thumbnail; `Err` says why the image is refused.
pub fn thumbnail(bytes: &[u8]) -> Result<Thumbnail, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("unreadable image: {e}"))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("image refused: {e}"))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "image of {w}x{h} pixels exceeds the limit of {MAX_PIXELS}"
        ));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| format!("image refused: {e}"))?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    let thumb = if width > THUMB_SIDE || height > THUMB_SIDE {
        img.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        img
    };
    let mut out = Cursor::new(Vec::new());
    let content_type = if thumb.color().has_alpha() {
        thumb
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(|e| format!("thumbnail encoding failed: {e}"))?;
        "image/png"
    } else {
        let rgb = DynamicImage::ImageRgb8(thumb.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        rgb.write_with_encoder(encoder)
            .map_err(|e| format!("thumbnail encoding failed: {e}"))?;
        "image/jpeg"
    };
    Ok(Thumbnail {
        width,
        height,
        bytes: out.into_inner(),
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let img = if alpha {
            DynamicImage::new_rgba8(width, height)
        } else {
            DynamicImage::new_rgb8(width, height)
        };
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn thumbnails_keep_the_aspect_ratio_within_320_pixels() {
        let t = thumbnail(&png(1200, 600, false)).unwrap();
        assert_eq!((t.width, t.height), (1200, 600));
        assert_eq!(t.content_type, "image/jpeg");
        let decoded = image::load_from_memory(&t.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 160));
    }

    #[test]
    fn small_and_transparent_images_stay_small_and_transparent() {
        let t = thumbnail(&png(40, 30, true)).unwrap();
        assert_eq!(t.content_type, "image/png");
        let decoded = image::load_from_memory(&t.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (40, 30));
    }

    #[test]
    fn garbage_is_refused() {
        assert!(thumbnail(b"not an image at all").is_err());
    }
}
