// Command test-kubelet serves the kubelet's exec endpoint for the Ballast test node agent, so
// that `pods/exec` works on the tests' real control plane, where no kubelet runs.
//
// Usage:
//
//	test-kubelet certificate -cert FILE -key FILE
//	test-kubelet serve -address 127.0.0.1 -port N -cert FILE -key FILE -pods DIR
//
// certificate writes a self-signed ECDSA certificate for 127.0.0.1 and localhost (server and
// client use, its own CA). The API server is given it as --kubelet-certificate-authority (so it
// verifies the test kubelet) and as --kubelet-client-certificate/-key; serve asks every client
// for a certificate that chains to it, so only that API server can exec.
//
// serve answers /exec/{namespace}/{pod}/{container} (and /exec/{namespace}/{pod}/{uid}/{container})
// as the kubelet does, SPDY or WebSocket, through the kubelet's own streaming code
// (k8s.io/cri-streaming ServeExec), and /healthz. The command runs as a local process in the
// container's context, which the node agent writes while the container runs:
// DIR/{namespace}/{pod}/{container}.json = {"uid": "...", "env": {...}, "workingDir": "..."}.
// A command that exits non-zero is reported with its exit code (reason NonZeroExitCode), as the
// kubelet reports it; a pod or container with no context file gets 404.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: test-kubelet certificate|serve [flags]")
	}
	switch os.Args[1] {
	case "certificate":
		fs := flag.NewFlagSet("certificate", flag.ExitOnError)
		cert := fs.String("cert", "", "certificate file to write (PEM)")
		key := fs.String("key", "", "private key file to write (PEM)")
		_ = fs.Parse(os.Args[2:])
		if *cert == "" || *key == "" {
			fail("certificate: -cert and -key are required")
		}
		if err := writeCertificate(*cert, *key); err != nil {
			fail("certificate: %v", err)
		}
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ExitOnError)
		address := fs.String("address", "127.0.0.1", "address to listen on")
		port := fs.Int("port", 10250, "port to listen on")
		cert := fs.String("cert", "", "serving certificate (PEM), also the CA of the clients")
		key := fs.String("key", "", "private key of the certificate (PEM)")
		pods := fs.String("pods", "", "folder of the containers' context files")
		_ = fs.Parse(os.Args[2:])
		if *cert == "" || *key == "" || *pods == "" {
			fail("serve: -cert, -key and -pods are required")
		}
		if err := serve(*address, *port, *cert, *key, *pods); err != nil {
			fail("serve: %v", err)
		}
	default:
		fail("unknown command %q: use certificate or serve", os.Args[1])
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "test-kubelet: "+format+"\n", args...)
	os.Exit(2)
}

func writeCertificate(certFile, keyFile string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "ballast-test-kubelet"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDer, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(certFile), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDer}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

func serve(address string, port int, certFile, keyFile, pods string) error {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(certFile)
	if err != nil {
		return err
	}
	clients := x509.NewCertPool()
	if !clients.AppendCertsFromPEM(caPEM) {
		return fmt.Errorf("no certificate in %s", certFile)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.Handle("/exec/", &execHandler{pods: pods})
	server := &http.Server{
		Addr:    net.JoinHostPort(address, fmt.Sprint(port)),
		Handler: mux,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{pair},
			ClientCAs:    clients,
			ClientAuth:   tls.RequireAndVerifyClientCert,
			MinVersion:   tls.VersionTLS12,
		},
		ReadHeaderTimeout: 30 * time.Second,
	}
	listener, err := net.Listen("tcp", server.Addr)
	if err != nil {
		return err
	}
	// The node agent waits for this line: the port accepts connections from now on.
	log.Printf("serving the exec API on https://%s (contexts in %s)", server.Addr, pods)
	return server.ServeTLS(listener, "", "")
}

// containerContext is what the node agent writes for a running container.
type containerContext struct {
	UID        string            `json:"uid"`
	Env        map[string]string `json:"env"`
	WorkingDir string            `json:"workingDir"`
}

type execHandler struct {
	pods string
}

func (h *execHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	// /exec/{namespace}/{pod}/{container} or /exec/{namespace}/{pod}/{uid}/{container}
	parts := strings.Split(strings.TrimPrefix(req.URL.Path, "/exec/"), "/")
	if len(parts) != 3 && len(parts) != 4 {
		http.Error(w, "expected /exec/{namespace}/{pod}/[{uid}/]{container}", http.StatusNotFound)
		return
	}
	namespace, pod, container, uid := parts[0], parts[1], parts[len(parts)-1], ""
	if len(parts) == 4 {
		uid = parts[2]
	}
	for _, p := range []string{namespace, pod, container, uid} {
		if strings.Contains(p, "..") {
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
	}
	streamOpts, err := remotecommand.NewOptions(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cmd := req.URL.Query()["command"]
	if len(cmd) == 0 {
		http.Error(w, "no command", http.StatusBadRequest)
		return
	}
	ctxFile := filepath.Join(h.pods, namespace, pod, container+".json")
	text, err := os.ReadFile(ctxFile)
	if errors.Is(err, os.ErrNotExist) {
		http.Error(w, fmt.Sprintf("container %q of pod %s/%s is not running", container, namespace, pod), http.StatusNotFound)
		return
	} else if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var c containerContext
	if err := json.Unmarshal(text, &c); err != nil {
		http.Error(w, fmt.Sprintf("bad context file %s: %v", ctxFile, err), http.StatusInternalServerError)
		return
	}
	if uid != "" && uid != c.UID {
		http.Error(w, "pod uid does not match", http.StatusNotFound)
		return
	}
	log.Printf("exec pod=%s/%s container=%s command=%q", namespace, pod, container, cmd)
	remotecommand.ServeExec(w, req, &localExecutor{c: c}, namespace+"/"+pod, c.UID, container, cmd,
		streamOpts, 4*time.Hour, remotecommand.DefaultStreamCreationTimeout, remotecommand.SupportedStreamingProtocols)
}

// localExecutor runs the command as a local process with the container's environment and folder.
type localExecutor struct {
	c containerContext
}

func (e *localExecutor) ExecInContainer(ctx context.Context, name, uid, container string, cmd []string,
	in io.Reader, out, errOut io.WriteCloser, tty bool, _ <-chan remotecommand.TerminalSize, _ time.Duration) error {
	run := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	run.Dir = e.c.WorkingDir
	// The image's environment is this machine's (PATH and the like), then the container's own.
	env := os.Environ()
	keys := make([]string, 0, len(e.c.Env))
	for k := range e.c.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+e.c.Env[k])
	}
	run.Env = env
	if in != nil {
		run.Stdin = in
	}
	if out != nil {
		run.Stdout = out
	}
	if errOut != nil {
		run.Stderr = errOut
	} else if tty {
		run.Stderr = out
	}
	err := run.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.Exited() {
		log.Printf("exec pod=%s container=%s exit=%d", name, container, exitErr.ExitCode())
		return utilexec.CodeExitError{Err: err, Code: exitErr.ExitCode()}
	}
	if err != nil {
		log.Printf("exec pod=%s container=%s failed: %v", name, container, err)
		return err
	}
	log.Printf("exec pod=%s container=%s exit=0", name, container)
	return nil
}
