// The seed's `EnhancedChatMarkdown`: the runtime's streaming markdown with the seed's props.
import { Markdown } from "../markdown";

export interface EnhancedChatMarkdownProps {
  content: string;
  taskId?: string | null;
  type?: string;
  role?: string;
  isStreamActive?: boolean;
  hideCopyButton?: boolean;
  allowFullScreenEditor?: boolean;
  className?: string;
  onContentChange?: (content: string) => void;
}

export default function EnhancedChatMarkdown({
  content,
  isStreamActive,
  hideCopyButton,
  allowFullScreenEditor,
  className,
  onContentChange,
  role,
}: EnhancedChatMarkdownProps) {
  return (
    <div className={`pd-chat-markdown${role ? ` pd-role-${role}` : ""}`}>
      <Markdown
        content={content}
        isStreaming={Boolean(isStreamActive)}
        {...(className ? { className } : {})}
        {...(hideCopyButton !== undefined ? { hideCopyButton } : {})}
        {...(allowFullScreenEditor !== undefined ? { allowFullScreenEditor } : {})}
        {...(onContentChange ? { onContentChange } : {})}
      />
    </div>
  );
}
