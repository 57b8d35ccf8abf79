package dev.spectra.service.web;

import dev.spectra.service.config.LimitsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caps request bodies on {@code /api/}: JSON at {@code spectra.limits.max-request-bytes}, dataset
 * uploads at {@code max-upload-bytes}. A declared Content-Length over the cap is refused before
 * reading; a chunked body is counted while it streams and cut off at the cap, so a client can
 * never make the server buffer more than the limit. Answers 413 problem+json.
 */
@Component
public class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final LimitsProperties limits;
    private final JsonMapper json;

    public RequestSizeLimitFilter(LimitsProperties limits, JsonMapper json) {
        this.limits = limits;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean upload = request.getRequestURI().startsWith("/api/v1/datasets");
        long max = (upload ? limits.maxUploadBytes() : limits.maxRequestBytes()).toBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            tooLarge(request, response, max);
            return;
        }
        try {
            chain.doFilter(new LimitedRequest(request, max), response);
        } catch (ServletException | IOException | RuntimeException e) {
            if (hasCause(e, BodyTooLargeException.class) && !response.isCommitted()) {
                response.reset();
                tooLarge(request, response, max);
                return;
            }
            throw e;
        }
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response, long max) throws IOException {
        response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
        response.setContentType(ProblemResponses.PROBLEM_JSON.toString());
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), ProblemResponses.bodyOf(HttpStatus.CONTENT_TOO_LARGE,
                "payload-too-large", "Payload too large",
                "The request body exceeds the limit of " + max + " bytes", request.getRequestURI()));
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Thrown while reading past the cap of a chunked body. */
    public static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long max) {
            super("request body exceeds " + max + " bytes");
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long count;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            add(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0) {
                            add(n);
                        }
                        return n;
                    }

                    private void add(long n) throws IOException {
                        count += n;
                        if (count > max) {
                            throw new BodyTooLargeException(max);
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
