"""Modal dialogs, one ModalScreen[T] per module."""
