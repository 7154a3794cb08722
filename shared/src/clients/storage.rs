//! Object storage (S3): the private bucket of attachments and thumbnails. Presigned URLs let
//! browsers upload and download straight to and from the bucket; the media worker reads,
//! writes and deletes objects.

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No such object.
    #[error("no such object")]
    NotFound,
    /// S3 could not be reached or refused the call; worth retrying later.
    #[error("storage: {0:#}")]
    Unavailable(anyhow::Error),
}

fn unavailable(what: &str, err: impl std::fmt::Display) -> StorageError {
    StorageError::Unavailable(anyhow::anyhow!("S3 {what}: {err}"))
}

impl From<StorageError> for crate::error::ApiError {
    fn from(err: StorageError) -> Self {
        Self::Unavailable(err.into())
    }
}

/// A presigned request: where to send it and the headers it must carry.
#[derive(Debug, Clone)]
pub struct Presigned {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// How a presigned download is served.
#[derive(Debug, Clone, Default)]
pub struct Serve<'a> {
    /// `Content-Disposition` of the answer.
    pub disposition: Option<String>,
    /// `Content-Type` of the answer.
    pub content_type: Option<&'a str>,
}

#[derive(Clone, Debug)]
pub struct Storage {
    s3: aws_sdk_s3::Client,
    bucket: String,
}

impl Storage {
    pub fn new(s3: aws_sdk_s3::Client, bucket: String) -> Self {
        Self { s3, bucket }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// A PUT of exactly `size` bytes of `content_type` carrying `tagging`, valid for `ttl`.
    pub async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        size: i64,
        tagging: &str,
        ttl: Duration,
    ) -> Result<Presigned, StorageError> {
        let presigned = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(size)
            .tagging(tagging)
            .presigned(presigning(ttl)?)
            .await
            .map_err(|e| unavailable("presign PutObject", e))?;
        Ok(Presigned {
            url: presigned.uri().to_owned(),
            headers: presigned
                .headers()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect(),
        })
    }

    /// A GET of `key`, valid for `ttl`, answered as `serve` says.
    pub async fn presign_get(
        &self,
        key: &str,
        serve: Serve<'_>,
        ttl: Duration,
    ) -> Result<String, StorageError> {
        let presigned = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_response_content_disposition(serve.disposition)
            .set_response_content_type(serve.content_type.map(str::to_owned))
            .presigned(presigning(ttl)?)
            .await
            .map_err(|e| unavailable("presign GetObject", e))?;
        Ok(presigned.uri().to_owned())
    }

    /// The size of an object.
    pub async fn size_of(&self, key: &str) -> Result<i64, StorageError> {
        match self
            .s3
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(head.content_length().unwrap_or(0)),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => {
                Err(StorageError::NotFound)
            }
            Err(e) => Err(unavailable("HeadObject", e)),
        }
    }

    /// An object's bytes.
    pub async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        match self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(object) => Ok(object
                .body
                .collect()
                .await
                .map_err(|e| unavailable("GetObject body", e))?
                .into_bytes()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                Err(StorageError::NotFound)
            }
            Err(e) => Err(unavailable("GetObject", e)),
        }
    }

    /// Writes an object (untagged: the lifecycle rule never expires it).
    pub async fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: impl Into<Bytes>,
    ) -> Result<(), StorageError> {
        self.s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes.into()))
            .send()
            .await
            .map_err(|e| unavailable("PutObject", e))?;
        Ok(())
    }

    /// Deletes an object; deleting one that is gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.s3
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| unavailable("DeleteObject", e))?;
        Ok(())
    }
}

fn presigning(ttl: Duration) -> Result<PresigningConfig, StorageError> {
    PresigningConfig::expires_in(ttl).map_err(|e| unavailable("presigning config", e))
}
