using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace BackupPlatform.Storage.Stores;

/// <summary>
/// An S3-compatible store through AWSSDK.S3, path-style so that it works with Swift's s3api, Ceph RGW
/// and MinIO as well as AWS. A container is a bucket.
/// </summary>
public sealed partial class S3Store : IObjectStore, IDisposable
{
    private readonly S3StoreOptions _options;
    private readonly AmazonS3Client _client;

    public S3Store(S3StoreOptions options)
    {
        ValidateOptions(options);
        _options = options;
        var config = new AmazonS3Config
        {
            ServiceURL = options.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            Timeout = options.Timeout,
            // The engine owns retries; SDK retries underneath would multiply them and delay clear failures.
            MaxErrorRetry = 0,
            // SDK v4 adds CRC trailers (aws-chunked) by default, which S3-compatibles such as Swift's s3api
            // reject; integrity comes from Content-MD5 instead.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public string Name => "s3";

    public async Task CheckSetupAsync(CancellationToken cancellationToken)
    {
        const string what = "ListBuckets";
        try
        {
            // Signed, so wrong keys fail here; cheap, since it touches no bucket.
            await _client.ListBucketsAsync(new ListBucketsRequest(), cancellationToken);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    public async Task EnsureContainerAsync(string container, CancellationToken cancellationToken)
    {
        ValidateBucket(container);
        var what = $"PutBucket {container}";
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = container }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    public async Task PutAsync(string container, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ValidateBucket(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"PutObject {container}/{name}";
#pragma warning disable CA5351 // Content-MD5 is S3's integrity check against corruption in transit, it is no security control.
        var md5 = Convert.ToBase64String(MD5.HashData(data.Span));
#pragma warning restore CA5351
        using var body = AsStream(data);
        var request = new PutObjectRequest
        {
            BucketName = container,
            Key = name,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = "application/octet-stream",
            MD5Digest = md5,
            // The SDK would otherwise send an aws-chunked body over http, which Swift's s3api refuses.
            UseChunkEncoding = false,
        };
        try
        {
            await _client.PutObjectAsync(request, cancellationToken);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    public async Task<byte[]> GetAsync(string container, string name, CancellationToken cancellationToken)
    {
        ValidateBucket(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"GetObject {container}/{name}";
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = container, Key = name }, cancellationToken);
            using var buffer = new MemoryStream(response.ContentLength is > 0 and <= int.MaxValue ? (int)response.ContentLength : 0);
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(container, name);
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken) || e is IOException)
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    public async Task<int> ReadRangeAsync(string container, string name, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ValidateBucket(container);
        ObjectNames.Validate(name, nameof(name));
        if (destination.IsEmpty)
        {
            return 0;
        }

        var what = $"GetObject {container}/{name} bytes {offset}-{offset + destination.Length - 1}";
        try
        {
            using var response = await _client.GetObjectAsync(
                new GetObjectRequest { BucketName = container, Key = name, ByteRange = new ByteRange(offset, offset + destination.Length - 1) },
                cancellationToken);
            var skip = response.HttpStatusCode == HttpStatusCode.PartialContent ? 0 : offset;
            return await StreamRanges.CopyAsync(response.ResponseStream, skip, destination, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(container, name);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return 0;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken) || e is IOException)
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    public async Task<bool> ExistsAsync(string container, string name, CancellationToken cancellationToken)
    {
        ValidateBucket(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"HeadObject {container}/{name}";
        try
        {
            await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = container, Key = name }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    public async Task DeleteAsync(string container, string name, CancellationToken cancellationToken)
    {
        ValidateBucket(container);
        ObjectNames.Validate(name, nameof(name));
        var what = $"DeleteObject {container}/{name}";
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = container, Key = name }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // S3 already treats a missing key as deleted; a missing bucket holds nothing to delete either.
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ValidateBucket(container);
        string? continuationToken = null;
        do
        {
            var page = await ListPageAsync(container, prefix, continuationToken, cancellationToken);
            if (page is null)
            {
                yield break;
            }

            foreach (var entry in page.S3Objects ?? [])
            {
                yield return entry.Key;
            }

            continuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (!string.IsNullOrEmpty(continuationToken));
    }

    public void Dispose() => _client.Dispose();

    /// <summary>One ListObjectsV2 page, or null when the bucket does not exist (which lists as empty).</summary>
    private async Task<ListObjectsV2Response?> ListPageAsync(string container, string prefix, string? continuationToken, CancellationToken cancellationToken)
    {
        var what = $"ListObjectsV2 {container} (prefix '{prefix}')";
        try
        {
            return await _client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = container, Prefix = prefix, MaxKeys = _options.ListPageSize, ContinuationToken = continuationToken },
                cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (IsStoreFailure(e, cancellationToken))
        {
            throw Failure(what, e, cancellationToken);
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private static void ValidateOptions(S3StoreOptions options)
    {
        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new StoreException($"S3 store misconfigured: Endpoint '{options.Endpoint}' is not an absolute http(s) URL.");
        }

        if (string.IsNullOrEmpty(options.AccessKey) || string.IsNullOrEmpty(options.SecretKey))
        {
            throw new StoreException("S3 store misconfigured: AccessKey and SecretKey are required.");
        }

        if (string.IsNullOrEmpty(options.Region))
        {
            throw new StoreException("S3 store misconfigured: Region is empty (SigV4 signs for a region; S3-compatibles mostly want us-east-1).");
        }

        if (options.ListPageSize is < 1 or > 1000)
        {
            throw new StoreException($"S3 store misconfigured: ListPageSize {options.ListPageSize} is outside 1..1000.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new StoreException($"S3 store misconfigured: Timeout {options.Timeout} is not positive.");
        }
    }

    /// <summary>
    /// The container is the bucket, so it must follow S3's bucket naming rules; S3-compatibles that
    /// accept other names through their own API (Swift's "c1") hide or refuse them through S3.
    /// </summary>
    private static void ValidateBucket(string container)
    {
        if (container is null || !BucketName().IsMatch(container) || container.Contains("..", StringComparison.Ordinal) || IPAddress.TryParse(container, out _))
        {
            throw new StoreException(
                $"Container '{container}' is not a valid S3 bucket name: the S3 store uses the container as the bucket, which needs "
                + "3-63 characters of lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, and not shaped like an IP address.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    private static bool IsStoreFailure(Exception e, CancellationToken cancellationToken) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or SocketException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private StoreException Failure(string what, Exception e, CancellationToken cancellationToken)
    {
        if (e is AmazonServiceException { StatusCode: not 0 } service && FindTransportError(e) is null)
        {
            var code = string.IsNullOrEmpty(service.ErrorCode) ? string.Empty : $" {service.ErrorCode}";
            return new StoreException($"S3 {what} failed: {(int)service.StatusCode} {service.StatusCode}{code}: {service.Message}", e);
        }

        if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new StoreException($"S3 {what} at {_options.Endpoint} timed out after {_options.Timeout.TotalSeconds:0.#} s.", e);
        }

        if (FindTransportError(e) is { } transport)
        {
            return new StoreException($"S3 store at {_options.Endpoint} is unreachable: {transport.Message}", e);
        }

        return new StoreException($"S3 {what} failed: {e.Message}", e);
    }

    // The SDK wraps connection failures in its own exceptions to varying depth; the innermost socket or HTTP error says what happened.
    private static Exception? FindTransportError(Exception e)
    {
        Exception? found = null;
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException)
            {
                found = current;
            }
        }

        return found;
    }
}
