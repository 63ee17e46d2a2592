// A tiny S3 client built on minio-go v7: the library inside b2c's `mcli`, so it signs exactly as mcli does
// (PUTs over http:// use STREAMING-AWS4-HMAC-SHA256-PAYLOAD; no region configured, so bucket location lookups).
// Built offline from Debian: GO111MODULE=off GOPATH=/usr/share/gocode go build -o minio-go-client .
//
// Usage (env S3_ENDPOINT=host:port S3_ACCESS_KEY S3_SECRET_KEY):
//   probe                         what `mcli alias set` does: location + stat of a random bucket, print the outcome
//   put BUCKET KEY FILE [PARTMB]  PutObject from a file (PARTMB forces multipart with parts of that size)
//   get BUCKET KEY FILE           FGetObject
//   list BUCKET PREFIX            recursive listing with metadata (as mcli mirror lists), one key per line
//   rm BUCKET KEY...              RemoveObjects (POST ?delete)
//   copy BUCKET SRC DST           server-side CopyObject
// Failures print `ERROR <S3 code> <message>` on stderr and exit 1.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func die(err error) {
	fmt.Fprintf(os.Stderr, "ERROR %s %s\n", minio.ToErrorResponse(err).Code, err.Error())
	os.Exit(1)
}

func main() {
	ctx := context.Background()
	c, err := minio.New(os.Getenv("S3_ENDPOINT"), &minio.Options{
		Creds:  credentials.NewStaticV4(os.Getenv("S3_ACCESS_KEY"), os.Getenv("S3_SECRET_KEY"), ""),
		Secure: false,
	})
	if err != nil {
		die(err)
	}
	args := os.Args[1:]
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: minio-go-client probe|put|get|list|rm|copy ...")
		os.Exit(2)
	}
	switch args[0] {
	case "probe":
		// mcli accepts S3v4 when this yields NoSuchBucket (or AccessDenied); a signature error makes it fall back to S3v2.
		bucket := fmt.Sprintf("probe-bkt-name-%d", os.Getpid())
		_, err := c.GetBucketLocation(ctx, bucket)
		code := "none"
		if err != nil {
			code = minio.ToErrorResponse(err).Code
		}
		ok, err := c.BucketExists(ctx, bucket)
		if err != nil {
			fmt.Printf("location=%s exists=%s\n", code, minio.ToErrorResponse(err).Code)
			return
		}
		fmt.Printf("location=%s exists=%v\n", code, ok)
	case "put":
		f, err := os.Open(args[3])
		if err != nil {
			die(err)
		}
		st, _ := f.Stat()
		opts := minio.PutObjectOptions{ContentType: "application/octet-stream"}
		if len(args) > 4 {
			mb, _ := strconv.Atoi(args[4])
			opts.PartSize = uint64(mb) << 20
		}
		info, err := c.PutObject(ctx, args[1], args[2], f, st.Size(), opts)
		if err != nil {
			die(err)
		}
		fmt.Println(info.Size)
	case "get":
		if err := c.FGetObject(ctx, args[1], args[2], args[3], minio.GetObjectOptions{}); err != nil {
			die(err)
		}
	case "list":
		for o := range c.ListObjects(ctx, args[1], minio.ListObjectsOptions{Prefix: args[2], Recursive: true, WithMetadata: true}) {
			if o.Err != nil {
				die(o.Err)
			}
			fmt.Println(o.Key)
		}
	case "rm":
		ch := make(chan minio.ObjectInfo, len(args))
		for _, k := range args[2:] {
			ch <- minio.ObjectInfo{Key: k}
		}
		close(ch)
		for e := range c.RemoveObjects(ctx, args[1], ch, minio.RemoveObjectsOptions{}) {
			die(e.Err)
		}
	case "copy":
		_, err := c.CopyObject(ctx, minio.CopyDestOptions{Bucket: args[1], Object: args[3]}, minio.CopySrcOptions{Bucket: args[1], Object: args[2]})
		if err != nil {
			die(err)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown command", args[0])
		os.Exit(2)
	}
}
